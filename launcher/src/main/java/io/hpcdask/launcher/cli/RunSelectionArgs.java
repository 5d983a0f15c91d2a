package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Run ids and ranges as users type them ({@code 12}, {@code 3-1002}), checked here and sent as one range list. */
final class RunSelectionArgs {
    static final String ACCEPTED_FORM = "a run id such as 12 or a range FIRST-LAST such as 3-1002 (FIRST <= LAST, ids from 1)";
    private static final Pattern ID_OR_RANGE = Pattern.compile("(\\d{1,18})(?:-(\\d{1,18}))?");

    private RunSelectionArgs() {
    }

    /** The ids and ranges as {@code 3-1002,1005}; exit 2 naming the first bad one. */
    static String ranges(List<String> args) {
        List<String> parts = new ArrayList<>(args.size());
        for (String arg : args) {
            Matcher m = ID_OR_RANGE.matcher(arg.trim());
            if (!m.matches()) {
                throw new BadInputException("RUN: '" + arg + "' is not " + ACCEPTED_FORM);
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2) == null ? first : Long.parseLong(m.group(2));
            if (first < 1 || last < first) {
                throw new BadInputException("RUN: '" + arg + "' is not " + ACCEPTED_FORM);
            }
            parts.add(first == last ? Long.toString(first) : first + "-" + last);
        }
        return String.join(",", parts);
    }

    /** The arguments that name one run each (not ranges). */
    static List<String> singleIds(List<String> args) {
        return args.stream().map(String::trim).filter(a -> a.matches("\\d+")).map(a -> Long.toString(Long.parseLong(a))).toList();
    }
}
