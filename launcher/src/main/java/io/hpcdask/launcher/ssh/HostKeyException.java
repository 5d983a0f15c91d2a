package io.hpcdask.launcher.ssh;

import io.hpcdask.launcher.failure.CommandFailedException;

/** A connection refused because the server's host key is unknown or has changed. */
public class HostKeyException extends CommandFailedException {
    private static final long serialVersionUID = 1L;
    private final boolean changed;
    private final String fingerprint;

    HostKeyException(String message, boolean changed, String fingerprint) {
        super(message);
        this.changed = changed;
        this.fingerprint = fingerprint;
    }

    /** True for a key that differs from the one in known_hosts (possible man-in-the-middle), false for unknown. */
    public boolean changed() {
        return changed;
    }

    public String fingerprint() {
        return fingerprint;
    }
}
