package io.hpcdask.launcher.cluster;

/** Placeholder until the scheduler core is merged. */
final class ClusterServer {
    ClusterServer(ClusterDir dir, LocalWorkerSpec spec) {
    }

    void start() {
        throw new IllegalStateException("the scheduler core is not merged yet");
    }

    void stop() {
    }

    void awaitStopped() {
    }
}
