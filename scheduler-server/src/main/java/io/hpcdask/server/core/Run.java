package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.Map;
import java.util.Set;

/** A run's mutable state inside the core; only the core's classes change it. */
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
    /** Its place in its shape's queue: higher priority first, then staging order ({@link #seq}). */
    final long rank;
    final int priority;
    final long timeLimitMillis;
    final int maxAttempts;
    final int retries;
    /** Automatic retries after an error used so far. */
    int retried;
    /** Attempts before the current try (a retry starts a new one): lost workers count from here. */
    int tryBase;
    /** Runs it waits for to complete before it may be queued; null when it waits for none. */
    Set<RunId> waitingFor;
    /** Its time limit passed: it is being killed, and ends {@code timeout}. */
    boolean timedOut;
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

    Run(RunId id, long seq, Map<String, Long> requires, Object payload, long stagedAt, RunPolicy policy) {
        this.id = id;
        this.seq = seq;
        this.requires = requires;
        this.payload = payload;
        this.stagedAt = stagedAt;
        this.priority = policy.priority();
        this.timeLimitMillis = policy.timeLimitMillis();
        this.maxAttempts = policy.maxAttempts();
        this.retries = policy.retries();
        // priority above the staging number: 21 bits hold the priority range, 42 the staging numbers of a lifetime
        this.rank = ((long) (RunPolicy.MAX_PRIORITY - priority) << 42) | seq;
    }
}
