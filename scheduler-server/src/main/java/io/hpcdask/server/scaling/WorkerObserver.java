package io.hpcdask.server.scaling;

/**
 * What scaling learns from the scheduler about its workers. Called on the scheduler's event loop: implementations
 * hand the event on and return at once.
 */
public interface WorkerObserver {
    WorkerObserver NONE = new WorkerObserver() {
        @Override
        public void connected(String worker, String jobId) {
        }

        @Override
        public void left(String worker) {
        }

        @Override
        public void busy(String worker, boolean busy) {
        }

        @Override
        public void retiring(String worker) {
        }
    };

    /** A worker registered; {@code jobId} is its batch job (array task) id, or null. */
    void connected(String worker, String jobId);

    void left(String worker);

    /** The worker went from no runs to some ({@code true}) or back. */
    void busy(String worker, boolean busy);

    /** The worker takes no new runs: its lifetime is ending, or it was told to drain. */
    void retiring(String worker);

    /**
     * The worker has been silent for its lease and a margin, and its runs are being re-staged: end its batch job
     * {@code jobId} if it is still there (fencing), so that not even a frozen node goes on with them.
     */
    default void fence(String worker, String jobId) {
    }

    /**
     * The staged runs by requirements, after the scheduler dispatched what it could: sent after every batch of
     * events in which they or the workers changed, so it always follows the {@link #connected} it accounts for.
     */
    default void demand(java.util.Map<java.util.Map<String, Long>, Integer> stagedByShape) {
    }
}
