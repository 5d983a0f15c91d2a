package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.Map;

/** A run's mutable state inside the core; only {@link SchedulerCore} changes it. */
final class Run {
    final RunId id;
    final long seq;
    final Map<String, Long> requires;
    /**
     * Always the core's {@code P}: untyped here so that workers, shapes and the reconnect ledger, which hold runs but
     * never their payload, need no type parameter.
     */
    final Object payload;
    final long stagedAt;
    RunState state = RunState.STAGED;
    int attempts;
    WorkerId worker;
    Worker on;
    Assignment assignment;
    Long startedAt;
    Long endedAt;
    Integer exitCode;
    boolean cancelRequested;
    /** Later-staged runs started while this one waited at the head of its shape. */
    int passedOver;
    /** The worker this run keeps free for itself (anti-starvation). */
    Worker reserved;
    boolean reasonLogged;

    Run(RunId id, long seq, Map<String, Long> requires, Object payload, long stagedAt) {
        this.id = id;
        this.seq = seq;
        this.requires = requires;
        this.payload = payload;
        this.stagedAt = stagedAt;
    }
}
