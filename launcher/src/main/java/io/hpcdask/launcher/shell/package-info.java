/** Quoting of user values for a POSIX shell, wherever a command line is built: job scripts, batch and SSH commands. */
package io.hpcdask.launcher.shell;
