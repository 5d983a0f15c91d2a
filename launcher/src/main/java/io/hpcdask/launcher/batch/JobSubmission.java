package io.hpcdask.launcher.batch;

import java.util.List;

/**
 * A job script to submit. {@code arraySize} above 1 makes one array submission of that many tasks, indexed from 0.
 * {@code extraArgs} are passed to the submit command as separate, quoted words.
 */
public record JobSubmission(String script, int arraySize, List<String> extraArgs) {
    public JobSubmission {
        if (arraySize < 1) {
            throw new IllegalArgumentException("arraySize must be at least 1, was " + arraySize);
        }
        extraArgs = List.copyOf(extraArgs);
    }

    public static JobSubmission of(String script) {
        return new JobSubmission(script, 1, List.of());
    }

    public JobSubmission withArray(int size) {
        return new JobSubmission(script, size, extraArgs);
    }

    public JobSubmission withArgs(String... args) {
        return new JobSubmission(script, arraySize, List.of(args));
    }
}
