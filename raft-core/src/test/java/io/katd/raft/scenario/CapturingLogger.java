package io.katd.raft.scenario;

import java.util.function.Consumer;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A logger that hands every formatted line, prefixed with its level, to the scenario
 * output, so that the node's own account of its transitions becomes part of what a
 * scenario file checks. Trace is off; everything from debug up is captured, each
 * message flattened to a single line.
 */
final class CapturingLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    private final transient Consumer<String> sink;

    CapturingLogger(String name, Consumer<String> sink) {
        this.name = name;
        this.sink = sink;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern,
            Object[] arguments, Throwable throwable) {
        String msg = MessageFormatter.basicArrayFormat(messagePattern, arguments);
        if (throwable != null) {
            msg = msg + ": " + throwable.getMessage();
        }
        // Protobuf values print over several lines; one log line must stay one line.
        sink.accept(level + " " + msg.replaceAll("\\s*\\n\\s*", " ").trim());
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return true;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }
}
