package io.hpcdask.protocol;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/** A job's time limit, in the one duration grammar ({@link DurationText}); a bare number is minutes, as in SLURM. */
public final class Walltime {
    public static final String ACCEPTED_FORM = DurationText.acceptedForm(ChronoUnit.MINUTES);

    private final long seconds;

    private Walltime(long seconds) {
        this.seconds = seconds;
    }

    public static Walltime parse(String text) {
        return new Walltime(DurationText.parse(text, ChronoUnit.MINUTES).getSeconds());
    }

    public static Walltime ofSeconds(long seconds) {
        if (seconds <= 0) {
            throw new InvalidValueException("walltime must be positive");
        }
        return new Walltime(seconds);
    }

    public long seconds() {
        return seconds;
    }

    public Duration duration() {
        return Duration.ofSeconds(seconds);
    }

    /** HH:MM:SS with hours that may exceed 24: the form the worker's --lifetime reads back. */
    @Override
    public String toString() {
        return String.format("%02d:%02d:%02d", seconds / 3600, seconds % 3600 / 60, seconds % 60);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Walltime other && other.seconds == seconds;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seconds);
    }
}
