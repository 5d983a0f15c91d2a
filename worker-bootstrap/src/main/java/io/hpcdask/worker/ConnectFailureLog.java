package io.hpcdask.worker;

/**
 * Decides which connect failures are worth a log line: a worker retries every few seconds, so it logs the first
 * failure, any failure whose cause differs from the last one logged, and otherwise one every 30 s.
 */
final class ConnectFailureLog {
    static final long REPEAT_MILLIS = 30_000;

    private String lastLogged;
    private long lastLoggedAt;
    private int unlogged;
    private String lastCause;

    /** Records a failure; returns the line to log now, or null to stay quiet. */
    synchronized String record(String cause, long nowMillis) {
        lastCause = cause;
        if (lastLogged != null && lastLogged.equals(cause) && nowMillis - lastLoggedAt < REPEAT_MILLIS) {
            unlogged++;
            return null;
        }
        String note = unlogged == 0 ? "" : " (" + unlogged + " more attempt(s) failed since the last report)";
        lastLogged = cause;
        lastLoggedAt = nowMillis;
        unlogged = 0;
        return cause + note;
    }

    /** The cause of the last failure, or null when none since the last {@link #reset()}. */
    synchronized String lastCause() {
        return lastCause;
    }

    synchronized void reset() {
        lastLogged = null;
        lastCause = null;
        unlogged = 0;
    }
}
