package io.hpcdask.worker;

import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Resources;
import io.hpcdask.protocol.Walltime;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Parses the worker's arguments by hand: the worker jar stays small and has no CLI library. */
final class WorkerArgs {
    static final String USAGE = "usage: hpc-dask-worker --scheduler HOST:PORT --token-file FILE --name NAME [--cores N]"
            + " [--memory 8G] [--resources 'gpu=2 foo=5'] [--slots N] [--lifetime HH:MM:SS] [--death-timeout SECONDS]"
            + " [--local-directory DIR] [--lifetime-grace SECONDS] [--lease SECONDS]";
    private static final Set<String> OPTIONS = Set.of("--scheduler", "--token-file", "--name", "--cores", "--memory",
            "--resources", "--slots", "--lifetime", "--death-timeout", "--local-directory", "--lifetime-grace", "--lease");

    private WorkerArgs() {
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

    static WorkerOptions parse(String[] args) throws UsageException {
        Map<String, String> given = new LinkedHashMap<>();
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
            if (!OPTIONS.contains(option)) {
                throw new UsageException("unknown argument '" + arg + "'; " + USAGE);
            }
            if (value == null) {
                throw new UsageException(option + ": missing value; " + USAGE);
            }
            if (given.put(option, value) != null) {
                throw new UsageException(option + ": given more than once");
            }
        }
        HostPort scheduler = hostPort("--scheduler", required(given, "--scheduler", "HOST:PORT, e.g. login1:8786"));
        String host = scheduler.host();
        int port = scheduler.port();
        Path tokenFile = Path.of(required(given, "--token-file", "a path to the file holding the cluster token"));
        String name = required(given, "--name", "a worker name, e.g. worker-1");
        if (!name.matches("[A-Za-z0-9_.@+\\[\\]-]+")) {
            throw new UsageException("--name: '" + name + "' must be letters, digits and _ . - @ + [ ] only");
        }
        int cores = (int) optionalNumber(given, "--cores", "a whole number of cores >= 1", 1, 1 << 20);
        int slots = (int) optionalNumber(given, "--slots", "a whole number of slots >= 1", 1, 1 << 20);
        Memory memory = given.containsKey("--memory") ? value("--memory", () -> Memory.parse(given.get("--memory"))) : null;
        Resources resources = given.containsKey("--resources")
                ? value("--resources", () -> Resources.parse(given.get("--resources"))) : Resources.NONE;
        for (String reserved : new String[] {"cores", "memory"}) {
            if (resources.has(reserved)) {
                throw new UsageException("--resources: '" + reserved + "' is set with --" + reserved + ", not here; expected "
                        + Resources.ACCEPTED_FORM);
            }
        }
        Walltime lifetime = given.containsKey("--lifetime")
                ? value("--lifetime", () -> Walltime.parse(given.get("--lifetime"))) : null;
        long deathTimeout = given.containsKey("--death-timeout")
                ? number(given.get("--death-timeout"), "--death-timeout", "a whole number of seconds >= 1", 1, Integer.MAX_VALUE)
                : WorkerOptions.DEFAULT_DEATH_TIMEOUT_SECONDS;
        long grace = given.containsKey("--lifetime-grace")
                ? number(given.get("--lifetime-grace"), "--lifetime-grace", "a whole number of seconds >= 0", 0, Integer.MAX_VALUE)
                : WorkerOptions.DEFAULT_LIFETIME_GRACE_SECONDS;
        long lease = given.containsKey("--lease")
                ? number(given.get("--lease"), "--lease", "a whole number of seconds >= 1", 1, Integer.MAX_VALUE)
                : WorkerOptions.DEFAULT_LEASE_SECONDS;
        Path localDirectory = given.containsKey("--local-directory") ? Path.of(given.get("--local-directory")) : null;
        return new WorkerOptions(host, port, tokenFile, name, cores, memory, resources, slots, lifetime, deathTimeout,
                localDirectory, grace, lease);
    }

    /** A host (brackets of an IPv6 literal removed) and a port. */
    record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    static HostPort hostPort(String option, String text) throws UsageException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new UsageException(option + ": '" + text + "' is not HOST:PORT, e.g. login1:8786");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) { // [::1]:8786
            host = host.substring(1, host.length() - 1);
        }
        int port = (int) number(text.substring(colon + 1), option, "HOST:PORT with a PORT from 1 to 65535", 1, 65535);
        return new HostPort(host, port);
    }

    private interface Parser<T> {
        T parse();
    }

    private static <T> T value(String option, Parser<T> parser) throws UsageException {
        try {
            return parser.parse();
        } catch (InvalidValueException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    private static String required(Map<String, String> given, String option, String form) throws UsageException {
        String v = given.get(option);
        if (v == null || v.isBlank()) {
            throw new UsageException(option + " is required: " + form);
        }
        return v;
    }

    private static long optionalNumber(Map<String, String> given, String option, String form, long min, long max)
            throws UsageException {
        return given.containsKey(option) ? number(given.get(option), option, form, min, max) : 0;
    }

    private static long number(String text, String option, String form, long min, long max) throws UsageException {
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
