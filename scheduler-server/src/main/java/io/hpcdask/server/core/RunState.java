package io.hpcdask.server.core;

import java.util.Locale;

/**
 * A run's life: staged -> running -> completed | error | terminated; a run whose worker is lost too often is lost; a run
 * killed at its time limit is timeout.
 */
public enum RunState {
    STAGED, RUNNING, COMPLETED, ERROR, TERMINATED, LOST, TIMEOUT;

    /** Made once: every state change told to a watching client reads it. */
    private final String label = name().toLowerCase(Locale.ROOT);

    /** The word users see and type ({@code hpc-dask runs --state completed}). */
    public String label() {
        return label;
    }

    public boolean isFinal() {
        return this != STAGED && this != RUNNING;
    }

    public static RunState fromLabel(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }
}
