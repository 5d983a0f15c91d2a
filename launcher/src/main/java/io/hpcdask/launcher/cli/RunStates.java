package io.hpcdask.launcher.cli;

import io.hpcdask.server.api.RunView;
import io.hpcdask.server.core.RunState;
import java.util.Arrays;
import java.util.List;

/** What each run state means for a waiting command; the states themselves are the scheduler's. */
final class RunStates {
    static final List<String> ALL = Arrays.stream(RunState.values()).map(RunState::label).toList();

    private RunStates() {
    }

    static boolean isFinal(RunView r) {
        return RunState.fromLabel(r.state()).isFinal();
    }

    /** The status a shell would see: the run's exit code, 1 for a lost run or one that could not start. */
    static int exitStatus(RunView r) {
        return exitStatus(r.state(), r.exitCode());
    }

    static int exitStatus(String state, Integer exitCode) {
        return switch (state) {
            case "completed" -> 0;
            case "lost" -> 1;
            default -> exitCode == null || exitCode == 0 ? 1 : exitCode;
        };
    }
}
