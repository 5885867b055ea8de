package io.katd.raft.transport;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what the transport logs, so tests can check the reasons it gives. */
final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture(Class<?> source) {
        logger = (Logger) LoggerFactory.getLogger(source);
        appender.start();
        logger.addAppender(appender);
    }

    /** The formatted messages logged so far. */
    List<String> messages() {
        // ListAppender's list is not thread-safe; the appender's own lock guards appends.
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    boolean contains(String fragment) {
        return messages().stream().anyMatch(m -> m.contains(fragment));
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
