package io.hpcdask.protocol;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the link's JSON into a {@link Message} with jackson-core's parser, as databind would with unknown fields
 * ignored: an absent field is null (0 or false for a number or flag), an unknown one is skipped, so peers that add
 * fields keep talking. {@code WireCodecTest} checks it against databind on random messages of every type.
 */
final class MessageReader {
    private MessageReader() {
    }

    /**
     * The message at {@code p}'s next token, or null when the object's first field is not {@code type} (the caller
     * falls back to databind, which finds it anywhere; no hpc-dask peer writes it elsewhere).
     */
    static Message read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new JsonParseException(p, "a message is a JSON object");
        }
        if (p.nextToken() != JsonToken.FIELD_NAME || !"type".equals(p.currentName())
                || p.nextToken() != JsonToken.VALUE_STRING) {
            return null;
        }
        String type = p.getText();
        return switch (type) {
            case "start-run" -> startRun(p);
            case "run-started" -> runStarted(p);
            case "run-finished" -> runFinished(p);
            case "heartbeat" -> heartbeat(p);
            case "run-output" -> runOutput(p);
            case "cancel-run" -> cancelRun(p);
            case "hello" -> hello(p);
            case "welcome" -> welcome(p);
            case "auth-start", "auth-challenge" -> auth(p, type);
            case "auth-proof" -> authProof(p);
            case "refused" -> refused(p);
            case "drain", "draining", "stop" -> reason(p, type);
            default -> throw new JsonParseException(p, "unknown message type (not one of this protocol's)");
        };
    }

    /** Moves to the next field's value and returns its name, or null at the object's end. */
    private static String field(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_OBJECT) {
            return null;
        }
        if (t != JsonToken.FIELD_NAME) {
            throw new JsonParseException(p, "a message is a JSON object of fields");
        }
        String name = p.currentName();
        p.nextToken();
        return name;
    }

    private static Message startRun(JsonParser p) throws IOException {
        String runId = null;
        List<String> argv = null;
        boolean shell = false;
        String cwd = null;
        Map<String, String> env = null;
        Map<String, Long> resources = null;
        List<String> gpuIds = null;
        int attempt = 0;
        for (String f; (f = field(p)) != null; ) {
            switch (f) {
                case "runId" -> runId = text(p);
                case "argv" -> argv = texts(p);
                case "shell" -> shell = flag(p);
                case "cwd" -> cwd = text(p);
                case "env" -> env = textMap(p);
                case "resources" -> resources = longMap(p);
                case "gpuIds" -> gpuIds = texts(p);
                case "attempt" -> attempt = (int) number(p);
                default -> p.skipChildren();
            }
        }
        return new Message.StartRun(runId, argv, shell, cwd, env, resources, gpuIds, attempt);
    }

    private static Message runStarted(JsonParser p) throws IOException {
        String runId = null;
        long pid = 0;
        int attempt = 0;
        for (String f; (f = field(p)) != null; ) {
            switch (f) {
                case "runId" -> runId = text(p);
                case "pid" -> pid = number(p);
                case "attempt" -> attempt = (int) number(p);
                default -> p.skipChildren();
            }
        }
        return new Message.RunStarted(runId, pid, attempt);
    }

    private static Message runFinished(JsonParser p) throws IOException {
        String runId = null;
        int exitCode = 0;
        boolean terminated = false;
        String error = null;
        int attempt = 0;
        boolean abandoned = false;
        for (String f; (f = field(p)) != null; ) {
            switch (f) {
                case "runId" -> runId = text(p);
                case "exitCode" -> exitCode = (int) number(p);
                case "terminated" -> terminated = flag(p);
                case "error" -> error = text(p);
                case "attempt" -> attempt = (int) number(p);
                case "abandoned" -> abandoned = flag(p);
                default -> p.skipChildren();
            }
        }
        return new Message.RunFinished(runId, exitCode, terminated, error, attempt, abandoned);
    }

    private static Message heartbeat(JsonParser p) throws IOException {
        long time = 0;
        for (String f; (f = field(p)) != null; ) {
            if (f.equals("timeMillis")) {
                time = number(p);
            } else {
                p.skipChildren();
            }
        }
        return new Message.Heartbeat(time);
    }

    private static Message runOutput(JsonParser p) throws IOException {
        String runId = null;
        String stream = null;
        byte[] data = null;
        int attempt = 0;
        for (String f; (f = field(p)) != null; ) {
            switch (f) {
                case "runId" -> runId = text(p);
                case "stream" -> stream = text(p);
                case "data" -> data = binary(p);
                case "attempt" -> attempt = (int) number(p);
                default -> p.skipChildren();
            }
        }
        return new Message.RunOutput(runId, stream, data, attempt);
    }

    private static Message cancelRun(JsonParser p) throws IOException {
        String runId = null;
        int attempt = 0;
        for (String f; (f = field(p)) != null; ) {
            switch (f) {
                case "runId" -> runId = text(p);
                case "attempt" -> attempt = (int) number(p);
                default -> p.skipChildren();
            }
        }
        return new Message.CancelRun(runId, attempt);
    }

    private static Message hello(JsonParser p) throws IOException {
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
        for (String f; (f = field(p)) != null; ) {
            switch (f) {
                case "version" -> version = (int) number(p);
                case "name" -> name = text(p);
                case "host" -> host = text(p);
                case "jobId" -> jobId = text(p);
                case "resources" -> resources = longMap(p);
                case "slots" -> slots = (int) number(p);
                case "gpuIds" -> gpuIds = texts(p);
                case "endTimeMillis" -> endTimeMillis = number(p);
                case "heldRuns" -> heldRuns = texts(p);
                case "heldAttempts" -> heldAttempts = intMap(p);
                case "leaseMillis" -> leaseMillis = number(p);
                default -> p.skipChildren();
            }
        }
        return new Message.Hello(version, name, host, jobId, resources, slots, gpuIds, endTimeMillis, heldRuns,
                heldAttempts, leaseMillis);
    }

    private static Message welcome(JsonParser p) throws IOException {
        int version = 0;
        long heartbeat = 0;
        String name = null;
        for (String f; (f = field(p)) != null; ) {
            switch (f) {
                case "version" -> version = (int) number(p);
                case "heartbeatMillis" -> heartbeat = number(p);
                case "name" -> name = text(p);
                default -> p.skipChildren();
            }
        }
        return new Message.Welcome(version, heartbeat, name);
    }

    private static Message auth(JsonParser p, String type) throws IOException {
        int version = 0;
        byte[] nonce = null;
        String release = null;
        for (String f; (f = field(p)) != null; ) {
            switch (f) {
                case "version" -> version = (int) number(p);
                case "nonce" -> nonce = binary(p);
                case "release" -> release = text(p);
                default -> p.skipChildren();
            }
        }
        return type.equals("auth-start") ? new Message.AuthStart(version, nonce, release)
                : new Message.AuthChallenge(version, nonce, release);
    }

    private static Message authProof(JsonParser p) throws IOException {
        byte[] proof = null;
        for (String f; (f = field(p)) != null; ) {
            if (f.equals("proof")) {
                proof = binary(p);
            } else {
                p.skipChildren();
            }
        }
        return new Message.AuthProof(proof);
    }

    private static Message refused(JsonParser p) throws IOException {
        String reason = null;
        int version = 0;
        String release = null;
        byte[] proof = null;
        for (String f; (f = field(p)) != null; ) {
            switch (f) {
                case "reason" -> reason = text(p);
                case "version" -> version = (int) number(p);
                case "release" -> release = text(p);
                case "proof" -> proof = binary(p);
                default -> p.skipChildren();
            }
        }
        return new Message.Refused(reason, version, release, proof);
    }

    private static Message reason(JsonParser p, String type) throws IOException {
        String reason = null;
        for (String f; (f = field(p)) != null; ) {
            if (f.equals("reason")) {
                reason = text(p);
            } else {
                p.skipChildren();
            }
        }
        return switch (type) {
            case "drain" -> new Message.Drain(reason);
            case "draining" -> new Message.Draining(reason);
            default -> new Message.Stop(reason);
        };
    }

    private static String text(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!t.isScalarValue()) {
            throw new JsonParseException(p, "expected a string");
        }
        return p.getText();
    }

    /** A number; null is 0 and a numeric string is read as databind coerces it. */
    private static long number(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_FLOAT) {
            try {
                return t == JsonToken.VALUE_STRING ? Long.parseLong(p.getText().trim()) : (long) p.getDoubleValue();
            } catch (NumberFormatException e) {
                throw new JsonParseException(p, "expected a number");
            }
        }
        throw new JsonParseException(p, "expected a number");
    }

    private static boolean flag(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE || t == JsonToken.VALUE_NULL) {
            return t == JsonToken.VALUE_TRUE;
        }
        if (t == JsonToken.VALUE_STRING && (p.getText().equals("true") || p.getText().equals("false"))) {
            return p.getText().equals("true");
        }
        throw new JsonParseException(p, "expected true or false");
    }

    private static byte[] binary(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new JsonParseException(p, "expected base64 bytes");
        }
        return p.getBinaryValue();
    }

    private static List<String> texts(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new JsonParseException(p, "expected an array");
        }
        List<String> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            values.add(text(p));
        }
        return values;
    }

    private static Map<String, String> textMap(JsonParser p) throws IOException {
        if (!startMap(p)) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String f; (f = field(p)) != null; ) {
            values.put(f, text(p));
        }
        return values;
    }

    private static Map<String, Long> longMap(JsonParser p) throws IOException {
        if (!startMap(p)) {
            return null;
        }
        Map<String, Long> values = new LinkedHashMap<>();
        for (String f; (f = field(p)) != null; ) {
            values.put(f, p.currentToken() == JsonToken.VALUE_NULL ? null : number(p));
        }
        return values;
    }

    private static Map<String, Integer> intMap(JsonParser p) throws IOException {
        if (!startMap(p)) {
            return null;
        }
        Map<String, Integer> values = new LinkedHashMap<>();
        for (String f; (f = field(p)) != null; ) {
            values.put(f, p.currentToken() == JsonToken.VALUE_NULL ? null : (int) number(p));
        }
        return values;
    }

    /** True at an object's start, false at null; anything else is an error. */
    private static boolean startMap(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return false;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new JsonParseException(p, "expected an object");
        }
        return true;
    }
}
