package io.hpcdask.server.scaling;

/**
 * What a batch system tells about an ended job beyond its state: {@code detail} in words (e.g. {@code stderr: ...},
 * the last lines of its stderr file) and the paths of its stdout and stderr files on the cluster. Any part may be null.
 */
public record Diagnosis(String detail, String stdoutFile, String stderrFile) {
    public static final Diagnosis NONE = new Diagnosis(null, null, null);
}
