package io.hpcdask.server.store;

import io.hpcdask.server.api.RunRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs in a separate JVM for {@link RunStoreCrashTest}: stages batches forever and prints each acknowledged id, until
 * it is killed with SIGKILL.
 */
public final class StoreCrashChild {
    private StoreCrashChild() {}

    public static void main(String[] args) {
        RunStore store = RunStore.open(Path.of(args[0]));
        for (int batch = 0; ; batch++) {
            List<RunRequest> specs = new ArrayList<>();
            for (int i = 0; i <= batch % 7; i++) {
                specs.add(new RunRequest(List.of("echo", "b" + batch), false, "/tmp", Map.of(), List.of(), "b" + batch,
                        Map.of()));
            }
            StringBuilder ids = new StringBuilder();
            for (StoredRun r : store.stage(specs, System.currentTimeMillis())) {
                ids.append(r.id().value()).append('\n');
            }
            System.out.print(ids);
            System.out.flush();
        }
    }
}
