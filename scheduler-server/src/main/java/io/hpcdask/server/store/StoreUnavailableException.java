package io.hpcdask.server.store;

import java.nio.file.Path;

/**
 * The run database cannot write now (disk full, a lock held too long, an I/O error): nothing of the refused call is
 * stored. {@link #reason()} is the database's own words; the store retries by itself and recovers when it can.
 */
public final class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public StoreUnavailableException(Path file, String reason, Throwable cause) {
        super("run database " + file + " is unavailable: " + reason, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
