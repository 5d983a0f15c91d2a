package io.hpcdask.server.scaling;

/** What scaling asks of connected workers; the scheduler sends the messages. */
public interface WorkerControl {
    /** Take no new runs; exit when the last one ends. */
    void drain(String worker);

    /** Exit now (the worker is idle). */
    void stop(String worker);
}
