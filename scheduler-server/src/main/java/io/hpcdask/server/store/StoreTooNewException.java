package io.hpcdask.server.store;

import java.nio.file.Path;

/**
 * The run database was written by a newer hpc-dask (its schema version is past every migration this code knows).
 * Nothing of it was changed: an older server must not write tables it does not understand.
 */
public final class StoreTooNewException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final int found;
    private final int known;

    public StoreTooNewException(Path file, int found, int known) {
        super("store schema " + found + " is newer than this hpc-dask (knows " + known + "): upgrade hpc-dask"
                + " (run database " + file + ")", null);
        this.found = found;
        this.known = known;
    }

    public int found() {
        return found;
    }

    public int known() {
        return known;
    }
}
