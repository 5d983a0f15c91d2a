package io.hpcdask.server.scaling;

/** What scaling asks of connected workers; the scheduler sends the messages. */
public interface WorkerControl {
    /** Take no new runs; exit when the last one ends. */
    void drain(String worker);

    /**
     * The autoscaler chose this idle worker to go: it is drained as well, not stopped, so a run that starts on it
     * before the message arrives is never cut short.
     */
    void drainIdle(String worker);
}
