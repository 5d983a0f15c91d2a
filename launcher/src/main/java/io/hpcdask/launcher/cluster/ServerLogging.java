package io.hpcdask.launcher.cluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** The server process logs to the cluster's server log (users grep it), and to the terminal in the foreground. */
final class ServerLogging {
    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n";

    private ServerLogging() {
    }

    static void configure(Path serverLog, boolean console) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        ctx.getLogger("io.netty").setLevel(Level.WARN);

        try { // logback would create it by the umask
            io.hpcdask.server.PrivateFiles.createFile(serverLog);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + serverLog, e);
        }
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setFile(serverLog.toString());
        file.setAppend(true);
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
