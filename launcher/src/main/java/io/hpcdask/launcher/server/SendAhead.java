package io.hpcdask.launcher.server;

import io.hpcdask.server.core.CoreConfig;

/**
 * {@code HPC_DASK_SEND_AHEAD}: how many runs per slot the server sends ahead to a busy worker, which starts them itself
 * the moment a slot frees. Unset (or {@code auto}): chosen per worker from how long its recent runs lasted
 * ({@link CoreConfig#AHEAD_ADAPTIVE}); a number fixes it (0 turns it off). Read where the server process starts; a bad
 * value is refused before a server starts, as {@link ServerLogging#LEVEL} is.
 */
final class SendAhead {
    static final String VARIABLE = "HPC_DASK_SEND_AHEAD";
    static final String AUTO = "auto";
    static final int MAX = 64;

    private SendAhead() {
    }

    /**
     * Runs sent ahead per slot; null, blank or {@value #AUTO} is {@link CoreConfig#DEFAULT_AHEAD_PER_SLOT} (adaptive).
     *
     * @throws IllegalArgumentException for anything but {@value #AUTO} or a whole number from 0 to {@value #MAX}, naming
     *                                  the accepted form
     */
    static int perSlot(String value) {
        if (value == null || value.isBlank() || value.trim().equals(AUTO)) {
            return CoreConfig.DEFAULT_AHEAD_PER_SLOT;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0 && n <= MAX) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is accepted
        }
        throw new IllegalArgumentException(VARIABLE + ": '" + value + "' is not a number of runs per slot; expected "
                + AUTO + " (the default: a few ms of each worker's recent runs) or a whole number from 0 (send none"
                + " ahead) to " + MAX + ", e.g. " + VARIABLE + "=4");
    }
}
