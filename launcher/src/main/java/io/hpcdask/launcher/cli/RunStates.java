package io.hpcdask.launcher.cli;

import io.hpcdask.server.api.RunView;
import java.util.List;
import java.util.Set;

/** The run states and what each means for a waiting command. */
final class RunStates {
    static final List<String> ALL = List.of("staged", "running", "completed", "error", "terminated", "lost");
    private static final Set<String> FINAL = Set.of("completed", "error", "terminated", "lost");

    private RunStates() {
    }

    static boolean isFinal(RunView r) {
        return FINAL.contains(r.state());
    }

    /** The status a shell would see: the run's exit code, 1 for a lost run or one that could not start. */
    static int exitStatus(RunView r) {
        return switch (r.state()) {
            case "completed" -> 0;
            case "lost" -> 1;
            default -> r.exitCode() == null || r.exitCode() == 0 ? 1 : r.exitCode();
        };
    }
}
