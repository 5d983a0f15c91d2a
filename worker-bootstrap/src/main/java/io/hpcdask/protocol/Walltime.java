package io.hpcdask.protocol;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A job's time limit, read in SLURM's forms: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
public final class Walltime {
    public static final String ACCEPTED_FORM = "one of MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, e.g. 00:30:00";

    private static final Pattern WITH_DAYS = Pattern.compile("(\\d+)-(\\d{1,2})(?::(\\d{1,2}))?(?::(\\d{1,2}))?");
    private static final Pattern WITHOUT_DAYS = Pattern.compile("(\\d+)(?::(\\d{1,2}))?(?::(\\d{1,2}))?");

    private final long seconds;

    private Walltime(long seconds) {
        this.seconds = seconds;
    }

    public static Walltime parse(String text) {
        if (text == null) {
            throw new InvalidValueException("expected " + ACCEPTED_FORM);
        }
        String t = text.trim();
        long total;
        Matcher d = WITH_DAYS.matcher(t);
        Matcher n = WITHOUT_DAYS.matcher(t);
        if (d.matches()) {
            long days = Long.parseLong(d.group(1));
            long hours = bounded(d.group(2), 24, text);
            long minutes = d.group(3) == null ? 0 : bounded(d.group(3), 60, text);
            long secs = d.group(4) == null ? 0 : bounded(d.group(4), 60, text);
            total = ((days * 24 + hours) * 60 + minutes) * 60 + secs;
        } else if (n.matches()) {
            if (n.group(3) != null) { // HH:MM:SS; hours may exceed 24
                total = (Long.parseLong(n.group(1)) * 60 + bounded(n.group(2), 60, text)) * 60 + bounded(n.group(3), 60, text);
            } else if (n.group(2) != null) { // MM:SS
                total = Long.parseLong(n.group(1)) * 60 + bounded(n.group(2), 60, text);
            } else { // MM
                total = Long.parseLong(n.group(1)) * 60;
            }
        } else {
            throw new InvalidValueException("'" + text + "' is not " + ACCEPTED_FORM);
        }
        if (total <= 0) {
            throw new InvalidValueException("'" + text + "' is not a positive time; expected " + ACCEPTED_FORM);
        }
        return new Walltime(total);
    }

    public static Walltime ofSeconds(long seconds) {
        if (seconds <= 0) {
            throw new InvalidValueException("walltime must be positive");
        }
        return new Walltime(seconds);
    }

    private static long bounded(String field, int limit, String text) {
        long v = Long.parseLong(field);
        if (v >= limit) {
            throw new InvalidValueException("'" + text + "' has a field " + field + " out of range (0-" + (limit - 1)
                    + "); expected " + ACCEPTED_FORM);
        }
        return v;
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
