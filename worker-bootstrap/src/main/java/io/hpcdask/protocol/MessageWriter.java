package io.hpcdask.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Message} as the link's JSON with jackson-core's generator: {@code type} first, then every record
 * component in declaration order, nulls included — exactly databind's bytes ({@code WireCodecTest} compares them on
 * random messages of every type), without its reflection.
 */
final class MessageWriter {
    private MessageWriter() {
    }

    static void write(JsonGenerator g, Message message) throws IOException {
        g.writeStartObject();
        if (message instanceof Message.StartRun m) {
            type(g, "start-run");
            string(g, "runId", m.runId());
            strings(g, "argv", m.argv());
            g.writeBooleanField("shell", m.shell());
            string(g, "cwd", m.cwd());
            texts(g, "env", m.env());
            numbers(g, "resources", m.resources());
            strings(g, "gpuIds", m.gpuIds());
            g.writeNumberField("attempt", m.attempt());
        } else if (message instanceof Message.RunStarted m) {
            type(g, "run-started");
            string(g, "runId", m.runId());
            g.writeNumberField("pid", m.pid());
            g.writeNumberField("attempt", m.attempt());
        } else if (message instanceof Message.RunFinished m) {
            type(g, "run-finished");
            string(g, "runId", m.runId());
            g.writeNumberField("exitCode", m.exitCode());
            g.writeBooleanField("terminated", m.terminated());
            string(g, "error", m.error());
            g.writeNumberField("attempt", m.attempt());
            g.writeBooleanField("abandoned", m.abandoned());
        } else if (message instanceof Message.Heartbeat m) {
            type(g, "heartbeat");
            g.writeNumberField("timeMillis", m.timeMillis());
        } else if (message instanceof Message.RunOutput m) {
            type(g, "run-output");
            string(g, "runId", m.runId());
            string(g, "stream", m.stream());
            binary(g, "data", m.data());
            g.writeNumberField("attempt", m.attempt());
        } else if (message instanceof Message.CancelRun m) {
            type(g, "cancel-run");
            string(g, "runId", m.runId());
            g.writeNumberField("attempt", m.attempt());
        } else if (message instanceof Message.AuthStart m) {
            type(g, "auth-start");
            g.writeNumberField("version", m.version());
            binary(g, "nonce", m.nonce());
            string(g, "release", m.release());
        } else if (message instanceof Message.AuthChallenge m) {
            type(g, "auth-challenge");
            g.writeNumberField("version", m.version());
            binary(g, "nonce", m.nonce());
            string(g, "release", m.release());
        } else if (message instanceof Message.AuthProof m) {
            type(g, "auth-proof");
            binary(g, "proof", m.proof());
        } else if (message instanceof Message.Hello m) {
            type(g, "hello");
            g.writeNumberField("version", m.version());
            string(g, "name", m.name());
            string(g, "host", m.host());
            string(g, "jobId", m.jobId());
            numbers(g, "resources", m.resources());
            g.writeNumberField("slots", m.slots());
            strings(g, "gpuIds", m.gpuIds());
            g.writeNumberField("endTimeMillis", m.endTimeMillis());
            strings(g, "heldRuns", m.heldRuns());
            numbers(g, "heldAttempts", m.heldAttempts());
            g.writeNumberField("leaseMillis", m.leaseMillis());
        } else if (message instanceof Message.Welcome m) {
            type(g, "welcome");
            g.writeNumberField("version", m.version());
            g.writeNumberField("heartbeatMillis", m.heartbeatMillis());
            string(g, "name", m.name());
        } else if (message instanceof Message.Refused m) {
            type(g, "refused");
            string(g, "reason", m.reason());
            g.writeNumberField("version", m.version());
            string(g, "release", m.release());
            binary(g, "proof", m.proof());
        } else if (message instanceof Message.Drain m) {
            reason(g, "drain", m.reason());
        } else if (message instanceof Message.Draining m) {
            reason(g, "draining", m.reason());
        } else if (message instanceof Message.Stop m) {
            reason(g, "stop", m.reason());
        } else {
            throw new IllegalArgumentException("no JSON form for " + message.getClass().getName());
        }
        g.writeEndObject();
    }

    private static void type(JsonGenerator g, String name) throws IOException {
        g.writeStringField("type", name);
    }

    private static void reason(JsonGenerator g, String type, String reason) throws IOException {
        type(g, type);
        string(g, "reason", reason);
    }

    private static void string(JsonGenerator g, String field, String value) throws IOException {
        g.writeFieldName(field);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeString(value);
        }
    }

    private static void binary(JsonGenerator g, String field, byte[] value) throws IOException {
        g.writeFieldName(field);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeBinary(value);
        }
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeFieldName(field);
        if (values == null) {
            g.writeNull();
            return;
        }
        g.writeStartArray();
        for (String v : values) {
            if (v == null) {
                g.writeNull();
            } else {
                g.writeString(v);
            }
        }
        g.writeEndArray();
    }

    private static void texts(JsonGenerator g, String field, Map<String, String> values) throws IOException {
        g.writeFieldName(field);
        if (values == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        for (Map.Entry<String, String> e : values.entrySet()) {
            string(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void numbers(JsonGenerator g, String field, Map<String, ? extends Number> values) throws IOException {
        g.writeFieldName(field);
        if (values == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
            g.writeFieldName(e.getKey());
            Number n = e.getValue();
            if (n == null) {
                g.writeNull();
            } else {
                g.writeNumber(n.longValue());
            }
        }
        g.writeEndObject();
    }
}
