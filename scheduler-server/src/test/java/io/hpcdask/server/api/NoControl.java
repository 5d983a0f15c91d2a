package io.hpcdask.server.api;

/** A cluster a test never asks about: its status is not there, a shutdown does nothing. */
public final class NoControl implements ClusterControl {
    @Override
    public ClusterStatus status() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void shutdown() {
    }
}
