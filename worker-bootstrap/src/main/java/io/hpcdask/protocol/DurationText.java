package io.hpcdask.protocol;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar for durations a user types anywhere (walltime, timeouts, time limits, idle timeouts): unit forms
 * ({@code 90s}, {@code 10m}, {@code 1h30m}, {@code 2d}) and SLURM's clock forms ({@code MM:SS}, {@code HH:MM:SS},
 * {@code D-HH}, {@code D-HH:MM}, {@code D-HH:MM:SS}). A bare number is read in a unit the caller names, because
 * SLURM users mean minutes by {@code --walltime 30} while every other tool means seconds by {@code --timeout 30}.
 */
public final class DurationText {
    public static final String FORMS = "90s, 10m, 1h30m, 2d, HH:MM:SS or D-HH:MM:SS";

    private static final Pattern UNITS = Pattern.compile("(?:(\\d{1,7})d)?(?:(\\d{1,7})h)?(?:(\\d{1,7})m)?(?:(\\d{1,9})s)?");
    private static final Pattern BARE = Pattern.compile("\\d{1,9}");
    private static final Pattern WITH_DAYS = Pattern.compile("(\\d{1,7})-(\\d{1,2})(?::(\\d{1,2}))?(?::(\\d{1,2}))?");
    private static final Pattern CLOCK = Pattern.compile("(\\d{1,7}):(\\d{1,2})(?::(\\d{1,2}))?");

    private DurationText() {
    }

    /** What a help text or an error says is accepted, naming the unit of a bare number. */
    public static String acceptedForm(ChronoUnit bareUnit) {
        return "a duration: a number of " + bareUnit.name().toLowerCase(java.util.Locale.ROOT) + ", or " + FORMS;
    }

    /** Parses a positive duration; throws {@link InvalidValueException} naming the accepted forms. */
    public static Duration parse(String text, ChronoUnit bareUnit) {
        if (text == null || text.isBlank()) {
            throw new InvalidValueException("expected " + acceptedForm(bareUnit));
        }
        String t = text.trim();
        long seconds;
        Matcher m;
        if (BARE.matcher(t).matches()) {
            seconds = Long.parseLong(t) * bareUnit.getDuration().getSeconds();
        } else if ((m = UNITS.matcher(t)).matches()) {
            seconds = 86_400L * number(m.group(1)) + 3600L * number(m.group(2)) + 60L * number(m.group(3))
                    + number(m.group(4));
        } else if ((m = WITH_DAYS.matcher(t)).matches()) {
            seconds = ((Long.parseLong(m.group(1)) * 24 + bounded(m.group(2), 24, text, bareUnit)) * 60
                    + bounded(m.group(3), 60, text, bareUnit)) * 60 + bounded(m.group(4), 60, text, bareUnit);
        } else if ((m = CLOCK.matcher(t)).matches()) {
            if (m.group(3) == null) { // MM:SS, as SLURM reads two fields
                seconds = Long.parseLong(m.group(1)) * 60 + bounded(m.group(2), 60, text, bareUnit);
            } else { // HH:MM:SS; hours may exceed 24
                seconds = (Long.parseLong(m.group(1)) * 60 + bounded(m.group(2), 60, text, bareUnit)) * 60
                        + bounded(m.group(3), 60, text, bareUnit);
            }
        } else {
            throw new InvalidValueException("'" + text + "' is not " + acceptedForm(bareUnit));
        }
        if (seconds <= 0) {
            throw new InvalidValueException("'" + text + "' is not a positive time; expected " + acceptedForm(bareUnit));
        }
        return Duration.ofSeconds(seconds);
    }

    /** The shortest unit form that reads back to the same duration, e.g. {@code 1h30m}; {@code 0s} for zero. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long[] sizes = {86_400, 3600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (s >= sizes[i]) {
                b.append(s / sizes[i]).append(units[i]);
                s %= sizes[i];
            }
        }
        return b.toString();
    }

    private static long number(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }

    private static long bounded(String field, int limit, String text, ChronoUnit bareUnit) {
        if (field == null) {
            return 0;
        }
        long v = Long.parseLong(field);
        if (v >= limit) {
            throw new InvalidValueException("'" + text + "' has a field " + field + " out of range (0-" + (limit - 1)
                    + "); expected " + acceptedForm(bareUnit));
        }
        return v;
    }
}
