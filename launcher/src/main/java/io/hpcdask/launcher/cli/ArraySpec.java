package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --array}: indexes written as FIRST-LAST or N, comma-separated, e.g. {@code 1-1000} or {@code 1,4,10-12}. */
final class ArraySpec {
    static final String ACCEPTED_FORM = "FIRST-LAST or N, comma-separated, with whole numbers >= 0, e.g. 1-1000 or 1,4,10-12";
    static final int MAX_RUNS = 1_000_000;
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(?:-(\\d{1,9}))?");

    private ArraySpec() {
    }

    static List<Long> parse(String spec) {
        List<Long> out = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            Matcher m = PART.matcher(part.trim());
            if (!m.matches()) {
                throw new BadInputException("--array: '" + spec + "' is not " + ACCEPTED_FORM);
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2) == null ? first : Long.parseLong(m.group(2));
            if (last < first) {
                throw new BadInputException("--array: '" + part + "' ends before it starts; expected " + ACCEPTED_FORM);
            }
            if (out.size() + (last - first + 1) > MAX_RUNS) {
                throw new BadInputException("--array: '" + spec + "' names more than " + MAX_RUNS + " runs");
            }
            for (long i = first; i <= last; i++) {
                out.add(i);
            }
        }
        return out;
    }
}
