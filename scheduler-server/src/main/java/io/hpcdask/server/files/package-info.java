/** Files and directories only their owner may touch (0600 and 0700), whatever the umask. */
package io.hpcdask.server.files;
