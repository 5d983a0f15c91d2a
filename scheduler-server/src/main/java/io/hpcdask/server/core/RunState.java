package io.hpcdask.server.core;

import java.util.Locale;

/**
 * A run's life: staged -> running -> completed | error | terminated; a run whose worker is lost too often is lost; a run
 * killed at its time limit is timeout.
 */
public enum RunState {
    STAGED, RUNNING, COMPLETED, ERROR, TERMINATED, LOST, TIMEOUT;

    /** Made once: the store writes a label per state change, and reads one per row of a restore. */
    private final String label = name().toLowerCase(Locale.ROOT);
    private static final RunState[] ALL = values();

    /** The word users see and type ({@code hpc-dask runs --state completed}). */
    public String label() {
        return label;
    }

    public boolean isFinal() {
        return this != STAGED && this != RUNNING;
    }

    public static RunState fromLabel(String label) {
        for (RunState s : ALL) {
            if (s.label.equals(label)) { // as the store writes it
                return s;
            }
        }
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }
}
