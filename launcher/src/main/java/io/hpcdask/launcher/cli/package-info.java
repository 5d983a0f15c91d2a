/** The picocli commands users type; nothing else depends on this package. */
package io.hpcdask.launcher.cli;
