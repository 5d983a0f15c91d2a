package io.hpcdask.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects the lines of the scheduler log during a test. */
final class LogCapture implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger(SchedulerServer.LOGGER);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final ch.qos.logback.classic.Level before = logger.getLevel();

    LogCapture() {
        appender.start();
        logger.addAppender(appender);
    }

    /** Collects the lines of {@code level} and above (the server's default is INFO). */
    LogCapture(ch.qos.logback.classic.Level level) {
        this();
        logger.setLevel(level);
    }

    List<String> lines() {
        synchronized (appender) { // AppenderBase appends under this lock
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Override
    public void close() {
        logger.setLevel(before);
        logger.detachAppender(appender);
    }
}
