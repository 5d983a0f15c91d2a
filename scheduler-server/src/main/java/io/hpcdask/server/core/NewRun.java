package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import java.util.Map;

/**
 * A run handed to the core: its id from the store, its requirements, a payload the core gives back on start, and its
 * policy (priority, time limit, attempts, retries, dependencies).
 */
public record NewRun<P>(RunId id, Map<String, Long> requires, P payload, RunPolicy policy) {
    public NewRun {
        policy = policy == null ? RunPolicy.DEFAULT : policy;
    }

    public NewRun(RunId id, Map<String, Long> requires, P payload) {
        this(id, requires, payload, RunPolicy.DEFAULT);
    }
}
