package io.hpcdask.server.store;

import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.WorkerId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs in a separate JVM for {@link RunStoreWriteBehindTest}: stages runs and records each one's start and end
 * (written behind), forever, until killed with SIGKILL. Prints {@code staged ID...} once a staging is acknowledged and
 * {@code done ID...} once a flush covered the runs' ends: what a reader was allowed to show as completed.
 */
public final class WriteBehindCrashChild {
    private WriteBehindCrashChild() {}

    public static void main(String[] args) {
        RunStore store = RunStore.open(Path.of(args[0]));
        for (int batch = 0; ; batch++) {
            List<RunRequest> specs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                specs.add(new RunRequest(List.of("true"), false, "/tmp", Map.of(), List.of(), "b" + batch, Map.of()));
            }
            List<StoredRun> staged = store.stage(specs, System.currentTimeMillis());
            StringBuilder ids = new StringBuilder();
            for (StoredRun r : staged) {
                ids.append(' ').append(r.id().value());
            }
            System.out.println("staged" + ids);
            long now = System.currentTimeMillis();
            for (StoredRun r : staged) {
                store.record(new StateChange(r.id(), RunState.STAGED, RunState.RUNNING, WorkerId.of("w"), null, 1, now,
                        Assignment.NONE));
            }
            for (StoredRun r : staged) {
                store.record(new StateChange(r.id(), RunState.RUNNING, RunState.COMPLETED, WorkerId.of("w"), 0, 1, now + 1, null));
            }
            if (batch % 4 == 0) {
                store.flush();
                System.out.println("done" + ids);
            }
            System.out.flush();
        }
    }
}
