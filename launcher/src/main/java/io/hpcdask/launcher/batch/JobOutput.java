package io.hpcdask.launcher.batch;

/**
 * A job's output files as the batch system names them, on the cluster's side, and {@code stderrTail}: its last
 * stderr lines on one line, prefixed {@code stderr: }. Any part may be null.
 */
public record JobOutput(String stdoutFile, String stderrFile, String stderrTail) {}
