package io.hpcdask.worker;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The logging of the worker jar: every line to stderr (the batch system keeps it in the job's output) as
 * {@code HH:mm:ss.SSS LEVEL worker message}, at the level of {@code HPC_DASK_WORKER_LOG_LEVEL} (default INFO), Netty at
 * WARN or above. It replaces logback in the worker jar only (its service file is added there): logback's start, an XML
 * parse among it, cost a worker about 0.15 s of CPU before it registers and 5 MB of resident memory for a handful of
 * lines. A worker run from a classpath with logback on it (tests, the server's jar) still logs through logback.
 */
public final class WorkerLogProvider implements SLF4JServiceProvider, ILoggerFactory {
    static final String LEVEL_ENV = "HPC_DASK_WORKER_LOG_LEVEL";

    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private Level threshold = Level.INFO;
    private boolean off;

    @Override
    public void initialize() {
        configure(System.getenv(LEVEL_ENV));
    }

    /** Sets the level from the value of {@link #LEVEL_ENV} (null or blank: INFO). */
    void configure(String wanted) {
        if (wanted != null && !wanted.isBlank()) {
            String name = wanted.trim().toUpperCase(Locale.ROOT);
            if (name.equals("OFF")) {
                off = true;
            } else {
                try {
                    threshold = Level.valueOf(name);
                } catch (IllegalArgumentException e) {
                    System.err.println("hpc-dask-worker: " + LEVEL_ENV + "='" + wanted + "' is no level; expected one of"
                            + " TRACE, DEBUG, INFO, WARN, ERROR, OFF; logging at INFO");
                }
            }
        }
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new WorkerLogger(n, off ? -1 : levelFor(n)));
    }

    /** The least severe level logged for a logger: Netty's chatter only from WARN up. */
    private int levelFor(String name) {
        Level level = name.startsWith("io.netty") && threshold.toInt() < Level.WARN.toInt() ? Level.WARN : threshold;
        return level.toInt();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return this;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}
