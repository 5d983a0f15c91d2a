package io.hpcdask.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * Each message type's name in JSON, its number in the {@link CompactForm}, and its fields' names and kinds in record
 * component order (a field's number in the compact form is its position, from 1). The JSON form ({@link JsonForm}) is
 * read and written through this table; the compact form's own code is the one place that knows each record.
 */
final class MessageSchema {
    /** How a field's value is written: JSON's value and the compact form's kind. */
    enum Kind {
        NUMBER(CompactForm.VARINT), FLAG(CompactForm.VARINT), TEXT(CompactForm.BYTES), BYTES(CompactForm.BYTES),
        TEXTS(CompactForm.STRINGS), NUMBERS(CompactForm.NUMBERS), TEXT_MAP(CompactForm.TEXTS);

        final int compact;

        Kind(int compact) {
            this.compact = compact;
        }
    }

    record Type(int number, String name, String[] fields, Kind[] kinds) {
        /** The field's number (its position from 1), or 0 when this version does not know it. */
        int field(String name) {
            for (int i = 0; i < fields.length; i++) {
                if (fields[i].equals(name)) {
                    return i + 1;
                }
            }
            return 0;
        }
    }

    private static final Type[] BY_NUMBER = new Type[17];
    private static final Map<String, Type> BY_NAME = new HashMap<>();

    static {
        Kind n = Kind.NUMBER, f = Kind.FLAG, t = Kind.TEXT, b = Kind.BYTES, l = Kind.TEXTS, m = Kind.NUMBERS,
                e = Kind.TEXT_MAP;
        add(CompactForm.AUTH_START, "auth-start", "version", n, "nonce", b, "release", t);
        add(CompactForm.AUTH_CHALLENGE, "auth-challenge", "version", n, "nonce", b, "release", t);
        add(CompactForm.AUTH_PROOF, "auth-proof", "proof", b);
        add(CompactForm.HELLO, "hello", "version", n, "name", t, "host", t, "jobId", t, "resources", m, "slots", n,
                "gpuIds", l, "endTimeMillis", n, "heldRuns", l, "heldAttempts", m, "leaseMillis", n);
        add(CompactForm.WELCOME, "welcome", "version", n, "heartbeatMillis", n, "name", t);
        add(CompactForm.REFUSED, "refused", "reason", t, "version", n, "release", t, "proof", b);
        add(CompactForm.HEARTBEAT, "heartbeat", "timeMillis", n);
        add(CompactForm.START_RUN, "start-run", "runId", t, "argv", l, "shell", f, "cwd", t, "env", e,
                "resources", m, "gpuIds", l, "attempt", n);
        add(CompactForm.RUN_STARTED, "run-started", "runId", t, "pid", n, "attempt", n);
        add(CompactForm.RUN_OUTPUT, "run-output", "runId", t, "stream", t, "data", b, "attempt", n);
        add(CompactForm.RUN_FINISHED, "run-finished", "runId", t, "exitCode", n, "terminated", f, "error", t,
                "attempt", n, "abandoned", f);
        add(CompactForm.CANCEL_RUN, "cancel-run", "runId", t, "attempt", n);
        add(CompactForm.DRAIN, "drain", "reason", t);
        add(CompactForm.DRAINING, "draining", "reason", t);
        add(CompactForm.STOP, "stop", "reason", t);
        add(CompactForm.RUN_RETURNED, "run-returned", "runId", t, "attempt", n);
    }

    private MessageSchema() {
    }

    /** {@code namesAndKinds}: a field's name, then its kind, for each field in component order. */
    private static void add(int number, String name, Object... namesAndKinds) {
        String[] fields = new String[namesAndKinds.length / 2];
        Kind[] kinds = new Kind[fields.length];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = (String) namesAndKinds[2 * i];
            kinds[i] = (Kind) namesAndKinds[2 * i + 1];
        }
        Type type = new Type(number, name, fields, kinds);
        BY_NUMBER[number] = type;
        BY_NAME.put(name, type);
    }

    static Type byNumber(int number) {
        return number > 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
    }

    static Type byName(String name) {
        return BY_NAME.get(name);
    }
}
