package io.hpcdask.launcher.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The server process logs to the cluster's server log (users grep it), and to the terminal in the foreground. The
 * log rolls over by size: {@code server.log} plus {@code server.log.1} .. {@code server.log.4}, each about
 * {@link #MAX_FILE_BYTES}, so a flood of log lines costs at most {@link #FILES} files' worth of disk.
 */
final class ServerLogging {
    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n";
    static final long MAX_FILE_BYTES = 10L * 1024 * 1024;
    /** The live file and the rolled ones. */
    static final int FILES = 5;

    /**
     * {@code debug} adds a line for the start and the end of every run to the server log; {@code info} (the default)
     * keeps it to what an operator acts on: workers, refusals, failed runs, errors. A run's state is in the store.
     */
    static final String LEVEL = "HPC_DASK_SERVER_LOG";

    private ServerLogging() {
    }

    /**
     * Whether {@code value} of {@link #LEVEL} asks for debug lines; null or blank is {@code info}.
     *
     * @throws IllegalArgumentException for anything else, with the accepted values
     */
    static boolean debug(String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("info")) {
            return false;
        }
        if (value.trim().equalsIgnoreCase("debug")) {
            return true;
        }
        throw new IllegalArgumentException(LEVEL + ": '" + value + "' is not a server log level; expected info or debug");
    }

    static void configure(Path serverLog, boolean console) {
        configure(serverLog, console, MAX_FILE_BYTES);
    }

    static void configure(Path serverLog, boolean console, long maxFileBytes) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        if (debug(System.getenv(LEVEL))) { // the start and end of every run too
            ctx.getLogger(io.hpcdask.server.SchedulerServer.LOGGER).setLevel(Level.DEBUG);
        }
        ctx.getLogger("io.netty").setLevel(Level.WARN);

        // logback would create the log, and each one after a rollover, by the umask
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>() {
            @Override
            public void openFile(String name) throws java.io.IOException {
                io.hpcdask.server.files.PrivateFiles.createFile(Path.of(name));
                super.openFile(name);
            }
        };
        file.setContext(ctx);
        file.setFile(serverLog.toString());
        file.setAppend(true);
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(ctx);
        rolling.setParent(file);
        rolling.setFileNamePattern(serverLog + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(FILES - 1);
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> bySize = new SizeBasedTriggeringPolicy<>();
        bySize.setContext(ctx);
        bySize.setMaxFileSize(new FileSize(maxFileBytes));
        bySize.setCheckIncrement(Duration.buildByMilliseconds(10));
        bySize.start();
        file.setRollingPolicy(rolling);
        file.setTriggeringPolicy(bySize);
        attach(ctx, root, file, "server-log");
        if (console) {
            attach(ctx, root, new ConsoleAppender<>(), "console");
        }
    }

    private static void attach(LoggerContext ctx, ch.qos.logback.classic.Logger root,
                               OutputStreamAppender<ILoggingEvent> appender, String name) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.start();
        appender.setContext(ctx);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.setImmediateFlush(true);
        appender.start();
        root.addAppender(appender);
    }
}
