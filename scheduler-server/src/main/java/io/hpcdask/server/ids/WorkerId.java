package io.hpcdask.server.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.protocol.Printable;
import java.util.Objects;

/** A worker's name, which the worker chooses and the scheduler knows it by. Plain text on the wire and in JSON. */
public record WorkerId(String name) {
    /** Names end up in logs and tables. */
    public static final int MAX_CHARS = 255;

    /**
     * A name a worker gave in its handshake: not blank, at most {@link #MAX_CHARS} characters, none of them control
     * characters, so that even a peer holding the token cannot forge log lines with one.
     */
    public static WorkerId parse(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidValueException("a worker must have a name");
        }
        if (name.length() > MAX_CHARS || !Printable.isClean(name)) {
            throw new InvalidValueException("a worker name must be at most " + MAX_CHARS
                    + " characters, none of them control characters");
        }
        return new WorkerId(name);
    }

    /** A name the scheduler already knows (a connected worker's, or one from its own store). */
    @JsonCreator
    public static WorkerId of(String name) {
        return new WorkerId(Objects.requireNonNull(name, "worker name"));
    }

    @JsonValue
    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
