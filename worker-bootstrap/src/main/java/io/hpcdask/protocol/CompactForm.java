package io.hpcdask.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of a {@link Message} that sealed frames carry (since protocol 3): JSON costs 2-5 microseconds per
 * message to write or parse under C1, this form a fraction of that ({@code scripts/bench-link}). Plaintext frames (the
 * handshake, and a refusal to a peer of another version) stay JSON, which every version reads.
 * <p>
 * Layout: {@link #FORM} (JSON starts with {@code '{'}, so a reader tells them apart by the first byte), the type's
 * number, then fields until a 0 key. A field is a varint key, {@code number << 3 | kind}, then its value; the number is
 * the record component's position (1 for the first), so a newer peer's added fields get new numbers. The kind says
 * how the value is laid out, so a reader skips a field it does not know, as the JSON reader skips an unknown name.
 * A field left out reads as null, 0 or false: nulls and zeros are not written.
 * <ul>
 * <li>{@code VARINT}: a zigzag varint (ints, longs, flags as 1)
 * <li>{@code BYTES}: a varint length, then the bytes (strings in UTF-8, byte arrays)
 * <li>{@code STRINGS}: a varint count, then each string as a varint of its length + 1 (0 for null) and its bytes
 * <li>{@code NUMBERS}: a varint count, then each entry's key (as in STRINGS) and value (0 for null, else 1 and a
 * zigzag varint)
 * <li>{@code TEXTS}: a varint count, then each entry's key and value (both as in STRINGS)
 * </ul>
 * Not thread-safe: a writer reuses its buffer; one per channel.
 */
final class CompactForm {
    /** The first byte of the compact form (JSON's first is '{' or white space). */
    static final byte FORM = 1;
    static final int VARINT = 0;
    static final int BYTES = 1;
    static final int STRINGS = 2;
    static final int NUMBERS = 3;
    static final int TEXTS = 4;

    /** Type numbers; never reuse one. */
    static final int AUTH_START = 1, AUTH_CHALLENGE = 2, AUTH_PROOF = 3, HELLO = 4, WELCOME = 5, REFUSED = 6,
            HEARTBEAT = 7, START_RUN = 8, RUN_STARTED = 9, RUN_OUTPUT = 10, RUN_FINISHED = 11, CANCEL_RUN = 12,
            DRAIN = 13, DRAINING = 14, STOP = 15;

    private CompactForm() {
    }

    /** Writes messages into one growing array, reused from message to message. */
    static final class Writer {
        private byte[] buf = new byte[256];
        private int size;

        /** The last message written is {@code array()[0, size())}. */
        byte[] array() {
            return buf;
        }

        int size() {
            return size;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }

        /** Starts a message of type {@code type}; its fields follow, then {@link #end}. */
        Writer begin(int type) {
            size = 0;
            put(FORM);
            put(type);
            return this;
        }

        void end() {
            put(0);
        }

        Writer write(Message message) {
            if (message instanceof Message.StartRun m) {
                begin(START_RUN);
                string(1, m.runId());
                strings(2, m.argv());
                flag(3, m.shell());
                string(4, m.cwd());
                texts(5, m.env());
                numbers(6, m.resources());
                strings(7, m.gpuIds());
                number(8, m.attempt());
            } else if (message instanceof Message.RunStarted m) {
                begin(RUN_STARTED);
                string(1, m.runId());
                number(2, m.pid());
                number(3, m.attempt());
            } else if (message instanceof Message.RunFinished m) {
                begin(RUN_FINISHED);
                string(1, m.runId());
                number(2, m.exitCode());
                flag(3, m.terminated());
                string(4, m.error());
                number(5, m.attempt());
                flag(6, m.abandoned());
            } else if (message instanceof Message.Heartbeat m) {
                begin(HEARTBEAT);
                number(1, m.timeMillis());
            } else if (message instanceof Message.RunOutput m) {
                begin(RUN_OUTPUT);
                string(1, m.runId());
                string(2, m.stream());
                bytes(3, m.data());
                number(4, m.attempt());
            } else if (message instanceof Message.CancelRun m) {
                begin(CANCEL_RUN);
                string(1, m.runId());
                number(2, m.attempt());
            } else if (message instanceof Message.Hello m) {
                begin(HELLO);
                number(1, m.version());
                string(2, m.name());
                string(3, m.host());
                string(4, m.jobId());
                numbers(5, m.resources());
                number(6, m.slots());
                strings(7, m.gpuIds());
                number(8, m.endTimeMillis());
                strings(9, m.heldRuns());
                numbers(10, m.heldAttempts());
                number(11, m.leaseMillis());
            } else if (message instanceof Message.Welcome m) {
                begin(WELCOME);
                number(1, m.version());
                number(2, m.heartbeatMillis());
                string(3, m.name());
            } else if (message instanceof Message.AuthStart m) {
                auth(AUTH_START, m.version(), m.nonce(), m.release());
            } else if (message instanceof Message.AuthChallenge m) {
                auth(AUTH_CHALLENGE, m.version(), m.nonce(), m.release());
            } else if (message instanceof Message.AuthProof m) {
                begin(AUTH_PROOF);
                bytes(1, m.proof());
            } else if (message instanceof Message.Refused m) {
                begin(REFUSED);
                string(1, m.reason());
                number(2, m.version());
                string(3, m.release());
                bytes(4, m.proof());
            } else if (message instanceof Message.Drain m) {
                begin(DRAIN);
                string(1, m.reason());
            } else if (message instanceof Message.Draining m) {
                begin(DRAINING);
                string(1, m.reason());
            } else if (message instanceof Message.Stop m) {
                begin(STOP);
                string(1, m.reason());
            } else {
                throw new IllegalArgumentException("no compact form for " + message.getClass().getName());
            }
            end();
            return this;
        }

        private void auth(int type, int version, byte[] nonce, String release) {
            begin(type);
            number(1, version);
            bytes(2, nonce);
            string(3, release);
        }

        void number(int field, long value) {
            if (value != 0) {
                varint(field << 3 | VARINT);
                varint(value << 1 ^ value >> 63);
            }
        }

        void flag(int field, boolean value) {
            number(field, value ? 1 : 0);
        }

        void string(int field, String value) {
            if (value != null) {
                bytes(field, value.getBytes(StandardCharsets.UTF_8));
            }
        }

        void bytes(int field, byte[] value) {
            if (value != null) {
                varint(field << 3 | BYTES);
                varint(value.length);
                put(value);
            }
        }

        void strings(int field, List<String> values) {
            if (values != null) {
                varint(field << 3 | STRINGS);
                varint(values.size());
                for (String v : values) {
                    element(v);
                }
            }
        }

        void numbers(int field, Map<String, ? extends Number> values) {
            if (values != null) {
                varint(field << 3 | NUMBERS);
                varint(values.size());
                for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
                    element(e.getKey());
                    Number n = e.getValue();
                    if (n == null) {
                        put(0);
                    } else {
                        put(1);
                        long v = n.longValue();
                        varint(v << 1 ^ v >> 63);
                    }
                }
            }
        }

        void texts(int field, Map<String, String> values) {
            if (values != null) {
                varint(field << 3 | TEXTS);
                varint(values.size());
                for (Map.Entry<String, String> e : values.entrySet()) {
                    element(e.getKey());
                    element(e.getValue());
                }
            }
        }

        private void element(String s) {
            if (s == null) {
                put(0);
            } else {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                varint(b.length + 1L);
                put(b);
            }
        }

        /** Unsigned LEB128. */
        void varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[size++] = (byte) (v & 0x7F | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        void put(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        private void put(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }
    }

    /** Reads the message in {@code buf[offset, offset+length)}, which starts with {@link #FORM}. */
    static Message read(byte[] buf, int offset, int length) throws IOException {
        return new Reader(buf, offset, length).message();
    }

    /** Reads one message's fields; {@link #message} reads the whole into its record. */
    static final class Reader {
        private final byte[] buf;
        private final int end;
        private int pos;

        Reader(byte[] buf, int offset, int length) {
            this.buf = buf;
            this.pos = offset;
            this.end = offset + length;
        }

        /** Reads the form's byte and the type's number. */
        int type() throws IOException {
            if (get() != FORM) {
                throw new IOException("not the compact form of a message");
            }
            return get();
        }

        Message message() throws IOException {
            int type = type();
            switch (type) {
                case START_RUN: {
                    String runId = null;
                    List<String> argv = null;
                    boolean shell = false;
                    String cwd = null;
                    Map<String, String> env = null;
                    Map<String, Long> resources = null;
                    List<String> gpuIds = null;
                    int attempt = 0;
                    for (int key; (key = key()) != 0; ) {
                        switch (key >>> 3) {
                            case 1 -> runId = string(key);
                            case 2 -> argv = strings(key);
                            case 3 -> shell = number(key) != 0;
                            case 4 -> cwd = string(key);
                            case 5 -> env = texts(key);
                            case 6 -> resources = longs(key);
                            case 7 -> gpuIds = strings(key);
                            case 8 -> attempt = (int) number(key);
                            default -> skip(key);
                        }
                    }
                    return new Message.StartRun(runId, argv, shell, cwd, env, resources, gpuIds, attempt);
                }
                case RUN_STARTED: {
                    String runId = null;
                    long pid = 0;
                    int attempt = 0;
                    for (int key; (key = key()) != 0; ) {
                        switch (key >>> 3) {
                            case 1 -> runId = string(key);
                            case 2 -> pid = number(key);
                            case 3 -> attempt = (int) number(key);
                            default -> skip(key);
                        }
                    }
                    return new Message.RunStarted(runId, pid, attempt);
                }
                case RUN_FINISHED: {
                    String runId = null;
                    int exitCode = 0;
                    boolean terminated = false;
                    String error = null;
                    int attempt = 0;
                    boolean abandoned = false;
                    for (int key; (key = key()) != 0; ) {
                        switch (key >>> 3) {
                            case 1 -> runId = string(key);
                            case 2 -> exitCode = (int) number(key);
                            case 3 -> terminated = number(key) != 0;
                            case 4 -> error = string(key);
                            case 5 -> attempt = (int) number(key);
                            case 6 -> abandoned = number(key) != 0;
                            default -> skip(key);
                        }
                    }
                    return new Message.RunFinished(runId, exitCode, terminated, error, attempt, abandoned);
                }
                case HEARTBEAT: {
                    long time = 0;
                    for (int key; (key = key()) != 0; ) {
                        if (key >>> 3 == 1) {
                            time = number(key);
                        } else {
                            skip(key);
                        }
                    }
                    return new Message.Heartbeat(time);
                }
                case RUN_OUTPUT: {
                    String runId = null;
                    String stream = null;
                    byte[] data = null;
                    int attempt = 0;
                    for (int key; (key = key()) != 0; ) {
                        switch (key >>> 3) {
                            case 1 -> runId = string(key);
                            case 2 -> stream = string(key);
                            case 3 -> data = bytes(key);
                            case 4 -> attempt = (int) number(key);
                            default -> skip(key);
                        }
                    }
                    return new Message.RunOutput(runId, stream, data, attempt);
                }
                case CANCEL_RUN: {
                    String runId = null;
                    int attempt = 0;
                    for (int key; (key = key()) != 0; ) {
                        switch (key >>> 3) {
                            case 1 -> runId = string(key);
                            case 2 -> attempt = (int) number(key);
                            default -> skip(key);
                        }
                    }
                    return new Message.CancelRun(runId, attempt);
                }
                case HELLO: {
                    int version = 0;
                    String name = null;
                    String host = null;
                    String jobId = null;
                    Map<String, Long> resources = null;
                    int slots = 0;
                    List<String> gpuIds = null;
                    long endTimeMillis = 0;
                    List<String> heldRuns = null;
                    Map<String, Integer> heldAttempts = null;
                    long leaseMillis = 0;
                    for (int key; (key = key()) != 0; ) {
                        switch (key >>> 3) {
                            case 1 -> version = (int) number(key);
                            case 2 -> name = string(key);
                            case 3 -> host = string(key);
                            case 4 -> jobId = string(key);
                            case 5 -> resources = longs(key);
                            case 6 -> slots = (int) number(key);
                            case 7 -> gpuIds = strings(key);
                            case 8 -> endTimeMillis = number(key);
                            case 9 -> heldRuns = strings(key);
                            case 10 -> heldAttempts = ints(key);
                            case 11 -> leaseMillis = number(key);
                            default -> skip(key);
                        }
                    }
                    return new Message.Hello(version, name, host, jobId, resources, slots, gpuIds, endTimeMillis,
                            heldRuns, heldAttempts, leaseMillis);
                }
                case WELCOME: {
                    int version = 0;
                    long heartbeat = 0;
                    String name = null;
                    for (int key; (key = key()) != 0; ) {
                        switch (key >>> 3) {
                            case 1 -> version = (int) number(key);
                            case 2 -> heartbeat = number(key);
                            case 3 -> name = string(key);
                            default -> skip(key);
                        }
                    }
                    return new Message.Welcome(version, heartbeat, name);
                }
                case AUTH_START, AUTH_CHALLENGE: {
                    int version = 0;
                    byte[] nonce = null;
                    String release = null;
                    for (int key; (key = key()) != 0; ) {
                        switch (key >>> 3) {
                            case 1 -> version = (int) number(key);
                            case 2 -> nonce = bytes(key);
                            case 3 -> release = string(key);
                            default -> skip(key);
                        }
                    }
                    return type == AUTH_START ? new Message.AuthStart(version, nonce, release)
                            : new Message.AuthChallenge(version, nonce, release);
                }
                case AUTH_PROOF: {
                    byte[] proof = null;
                    for (int key; (key = key()) != 0; ) {
                        if (key >>> 3 == 1) {
                            proof = bytes(key);
                        } else {
                            skip(key);
                        }
                    }
                    return new Message.AuthProof(proof);
                }
                case REFUSED: {
                    String reason = null;
                    int version = 0;
                    String release = null;
                    byte[] proof = null;
                    for (int key; (key = key()) != 0; ) {
                        switch (key >>> 3) {
                            case 1 -> reason = string(key);
                            case 2 -> version = (int) number(key);
                            case 3 -> release = string(key);
                            case 4 -> proof = bytes(key);
                            default -> skip(key);
                        }
                    }
                    return new Message.Refused(reason, version, release, proof);
                }
                case DRAIN, DRAINING, STOP: {
                    String reason = null;
                    for (int key; (key = key()) != 0; ) {
                        if (key >>> 3 == 1) {
                            reason = string(key);
                        } else {
                            skip(key);
                        }
                    }
                    return type == DRAIN ? new Message.Drain(reason)
                            : type == DRAINING ? new Message.Draining(reason) : new Message.Stop(reason);
                }
                default:
                    throw new IOException("unknown message type " + type + " (not one of this protocol's)");
            }
        }

        private int get() throws IOException {
            if (pos >= end) {
                throw new IOException("message cut short");
            }
            return buf[pos++] & 0xff;
        }

        private long varint() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = get();
                v |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IOException("malformed varint");
        }

        int key() throws IOException {
            long key = varint();
            if (key < 0 || key > Integer.MAX_VALUE) {
                throw new IOException("malformed field key");
            }
            return (int) key;
        }

        private int length() throws IOException {
            long n = varint();
            if (n < 0 || n > end - pos) {
                throw new IOException("a length runs past the message's end");
            }
            return (int) n;
        }

        private void expect(int key, int kind) throws IOException {
            if ((key & 7) != kind) {
                throw new IOException("field " + (key >>> 3) + " has kind " + (key & 7) + ", expected " + kind);
            }
        }

        private long zigzag() throws IOException {
            long v = varint();
            return v >>> 1 ^ -(v & 1);
        }

        long number(int key) throws IOException {
            expect(key, VARINT);
            return zigzag();
        }

        byte[] bytes(int key) throws IOException {
            expect(key, BYTES);
            int n = length();
            byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return b;
        }

        String string(int key) throws IOException {
            expect(key, BYTES);
            int n = length();
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        /** An element of a list or map: its length + 1, 0 for null. */
        private String element() throws IOException {
            long n = varint() - 1;
            if (n == -1) {
                return null;
            }
            if (n < 0 || n > end - pos) {
                throw new IOException("a length runs past the message's end");
            }
            String s = new String(buf, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }

        List<String> strings(int key) throws IOException {
            expect(key, STRINGS);
            int n = length(); // each element takes at least a byte, so a count beyond the end is malformed
            List<String> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(element());
            }
            return values;
        }

        Map<String, String> texts(int key) throws IOException {
            expect(key, TEXTS);
            int n = length();
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                values.put(element(), element());
            }
            return values;
        }

        Map<String, Long> longs(int key) throws IOException {
            expect(key, NUMBERS);
            int n = length();
            Map<String, Long> values = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String k = element();
                values.put(k, get() == 0 ? null : zigzag());
            }
            return values;
        }

        private Map<String, Integer> ints(int key) throws IOException {
            expect(key, NUMBERS);
            int n = length();
            Map<String, Integer> values = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String k = element();
                values.put(k, get() == 0 ? null : (int) zigzag());
            }
            return values;
        }

        /** Skips a field this version does not know, by its kind. */
        private void skip(int key) throws IOException {
            switch (key & 7) {
                case VARINT -> varint();
                case BYTES -> {
                    int n = length(); // not pos += length(): that reads pos before length() moves it
                    pos += n;
                }
                case STRINGS -> {
                    for (int i = length(); i > 0; i--) {
                        element();
                    }
                }
                case NUMBERS -> {
                    for (int i = length(); i > 0; i--) {
                        element();
                        if (get() != 0) {
                            varint();
                        }
                    }
                }
                case TEXTS -> {
                    for (int i = length(); i > 0; i--) {
                        element();
                        element();
                    }
                }
                default -> throw new IOException("field " + (key >>> 3) + " has an unknown kind " + (key & 7));
            }
        }
    }
}
