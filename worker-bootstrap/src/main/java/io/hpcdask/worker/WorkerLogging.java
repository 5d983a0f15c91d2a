package io.hpcdask.worker;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The worker jar's logging: slf4j-simple (the provider the worker jar carries; tests and a worker run from the
 * server's jar log through logback), set up by its system properties before the first logger. Every line goes to
 * stderr, which the batch system keeps in the job's output, as {@code MILLIS LEVEL message}: the milliseconds since
 * the JVM started, not the wall clock, whose date format cost a worker about 0.1 s of CPU before it registers. The
 * level comes from {@code HPC_DASK_WORKER_LOG_LEVEL} (default INFO); Netty's chatter only from WARN up. A property
 * given on the command line ({@code -Dorg.slf4j.simpleLogger...}) is kept.
 */
final class WorkerLogging {
    static final String LEVEL_ENV = "HPC_DASK_WORKER_LOG_LEVEL";
    private static final String PREFIX = "org.slf4j.simpleLogger.";
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    private WorkerLogging() {
    }

    /** Sets slf4j-simple's properties for {@code env} where none is set; an unknown level is named on {@code err}. */
    static void configure(Map<String, String> env, PrintStream err) {
        properties(env.get(LEVEL_ENV), err).forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }

    /** slf4j-simple's properties for the level {@code wanted} (null or blank: INFO). */
    static Map<String, String> properties(String wanted, PrintStream err) {
        String level = "INFO";
        if (wanted != null && !wanted.isBlank()) {
            String name = wanted.trim().toUpperCase(Locale.ROOT);
            if (LEVELS.contains(name)) {
                level = name;
            } else {
                err.println("hpc-dask-worker: " + LEVEL_ENV + "='" + wanted + "' is no level; expected one of"
                        + " TRACE, DEBUG, INFO, WARN, ERROR, OFF; logging at INFO");
            }
        }
        boolean belowWarn = level.equals("TRACE") || level.equals("DEBUG") || level.equals("INFO");
        Map<String, String> p = new LinkedHashMap<>();
        p.put(PREFIX + "defaultLogLevel", level.toLowerCase(Locale.ROOT));
        p.put(PREFIX + "log.io.netty", belowWarn ? "warn" : level.toLowerCase(Locale.ROOT));
        p.put(PREFIX + "logFile", "System.err");
        p.put(PREFIX + "showDateTime", "true");
        p.put(PREFIX + "showThreadName", "false");
        p.put(PREFIX + "showLogName", "false");
        return p;
    }
}
