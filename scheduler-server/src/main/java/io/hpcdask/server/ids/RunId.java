package io.hpcdask.server.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.hpcdask.protocol.InvalidValueException;
import java.util.Objects;

/**
 * A run's id: the store hands out positive numbers, while the core takes any text (its tests name runs {@code r1}, and
 * a worker's report is checked against the runs it holds, not parsed). On the wire, in JSON and in log lines it is the
 * plain text.
 */
public record RunId(String value) {
    public RunId {
        Objects.requireNonNull(value, "run id");
    }

    @JsonCreator
    public static RunId of(String value) {
        return new RunId(value);
    }

    /** An id as a peer reported it, not parsed: null stays null (it names no run). */
    public static RunId ofNullable(String value) {
        return value == null ? null : new RunId(value);
    }

    public static RunId of(long number) {
        return new RunId(Long.toString(number));
    }

    /** An id a client or a user typed: a run the store staged, so a positive number. */
    public static RunId parse(String text) {
        if (text == null || !text.matches("\\d+")) {
            throw new InvalidValueException("'" + text + "' is not a run id; expected a number such as 12");
        }
        return new RunId(text);
    }

    /** The store's number for this run; only for ids the store handed out. */
    public long number() {
        return Long.parseLong(value);
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
