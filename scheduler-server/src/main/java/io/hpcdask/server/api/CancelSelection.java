package io.hpcdask.server.api;

import java.util.List;

/**
 * Which runs one cancel request ends: every staged or running run ({@code all}), or those that pass every filter
 * given: ids as ranges ({@code 3-1002,1005}, see {@link RunIds}), states ({@code staged}, {@code running}), a label.
 * Null filters are not applied; at least one filter, or {@code all}, must be given.
 */
public record CancelSelection(boolean all, String ids, List<String> states, String label) {
    public static CancelSelection everything() {
        return new CancelSelection(true, null, null, null);
    }

    public boolean selectsNothing() {
        return !all && ids == null && (states == null || states.isEmpty()) && label == null;
    }
}
