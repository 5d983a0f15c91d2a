package io.hpcdask.server.api;

import java.util.List;

/**
 * How far a set of runs has got: {@code finished} of {@code total} are in a final state. Once all are,
 * {@code outcomes} counts them per final state and exit code (empty before), which is all a waiting command needs for
 * its exit status.
 */
public record RunsProgress(long total, long finished, List<Outcome> outcomes) {
    public boolean done() {
        return finished >= total;
    }

    /** {@code count} runs ended in {@code state} with {@code exitCode} (null when the run has none). */
    public record Outcome(String state, Integer exitCode, long count) {}
}
