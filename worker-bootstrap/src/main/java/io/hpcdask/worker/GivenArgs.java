package io.hpcdask.worker;

import io.hpcdask.protocol.InvalidValueException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The worker's arguments read by hand, one text per flag, and the checks that turn a text into a value: the worker
 * jar stays small and has no CLI library. Every message is one line naming the option and the accepted form.
 */
final class GivenArgs {
    private final Map<WorkerFlag, String> given;

    private GivenArgs(Map<WorkerFlag, String> given) {
        this.given = given;
    }

    /** True when the user asked for help rather than a worker. */
    static boolean wantsHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /** Accepts {@code --flag value} and {@code --flag=value}; rejects unknown, valueless and repeated flags. */
    static GivenArgs read(String[] args) throws UsageException {
        Map<WorkerFlag, String> given = new EnumMap<>(WorkerFlag.class);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String option = arg;
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                option = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                value = null;
            }
            WorkerFlag flag = WorkerFlag.named(option);
            if (flag == null) {
                throw new UsageException("unknown argument '" + arg + "'; " + WorkerFlag.USAGE);
            }
            if (value == null) {
                throw new UsageException(flag + ": missing value; " + WorkerFlag.USAGE);
            }
            if (given.put(flag, value) != null) {
                throw new UsageException(flag + ": given more than once");
            }
        }
        return new GivenArgs(given);
    }

    boolean has(WorkerFlag flag) {
        return given.containsKey(flag);
    }

    /** The text given for a flag, or null. */
    String text(WorkerFlag flag) {
        return given.get(flag);
    }

    String required(WorkerFlag flag, String form) throws UsageException {
        String v = given.get(flag);
        if (v == null || v.isBlank()) {
            throw new UsageException(flag + " is required: " + form);
        }
        return v;
    }

    /** The whole number given for a flag, or null when it was not given. */
    Long number(WorkerFlag flag, String form, long min, long max) throws UsageException {
        return has(flag) ? number(given.get(flag), flag.toString(), form, min, max) : null;
    }

    interface Parser<T> {
        T parse(String text);
    }

    /** The value parsed from a flag's text, or null when it was not given. */
    <T> T value(WorkerFlag flag, Parser<T> parser) throws UsageException {
        if (!has(flag)) {
            return null;
        }
        try {
            return parser.parse(given.get(flag));
        } catch (InvalidValueException e) {
            throw new UsageException(flag + ": " + e.getMessage());
        }
    }

    static long number(String text, String option, String form, long min, long max) throws UsageException {
        try {
            long v = Long.parseLong(text.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted form
        }
        throw new UsageException(option + ": '" + text + "' is not " + form);
    }
}
