package io.hpcdask.server.core;

/**
 * Every effect of the decision core. The core calls these while handling an event; the event loop carries them out
 * (messages to workers, rows in the store, lines in the server log). Implementations must not call back into the core.
 */
public interface Outbox {
    /** Send run {@code runId} (whose opaque payload the core was given at staging) to {@code worker}. */
    void startRun(String runId, Object payload, String worker, Assignment assignment);

    void cancelRun(String runId, String worker);

    /** Tell the worker to take no new runs and exit when its last one ends. */
    void drainWorker(String worker, String reason);

    /** Tell the worker to kill its runs and exit now. */
    void stopWorker(String worker, String reason);

    void stateChanged(StateChange change);

    void log(LogLevel level, String line);
}
