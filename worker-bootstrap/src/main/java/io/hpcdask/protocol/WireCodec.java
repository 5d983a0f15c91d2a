package io.hpcdask.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The two forms of {@link Message}s in frames; both ends share this one mapping. JSON in plaintext frames (the
 * handshake, which peers of every version read), written and read with jackson-core's streaming generator and parser
 * ({@link JsonForm}): the same bytes that databind makes from {@link Message}'s annotations, without its reflection
 * (a worker registers without loading databind). The compact binary form ({@link CompactForm}) in sealed frames,
 * which costs far less under C1 ({@code scripts/bench-link}). {@link #decode} reads either, told apart by the first
 * byte.
 */
public final class WireCodec {
    private static final JsonFactory FACTORY = new JsonFactory();

    private WireCodec() {
    }

    public static byte[] encode(Message message) {
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(256)) {
            encode(message, bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /** The compact form that sealed frames carry (since protocol 3). */
    public static byte[] encodeCompact(Message message) {
        return new CompactForm.Writer().write(message).toByteArray();
    }

    public static void encode(Message message, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            JsonForm.write(g, message);
        }
    }

    public static Message decode(byte[] json) throws IOException {
        return decode(json, 0, json.length);
    }

    /** The message in {@code bytes[offset, offset+length)}, in either form. */
    public static Message decode(byte[] json, int offset, int length) throws IOException {
        if (length > 0 && json[offset] == CompactForm.FORM) {
            return CompactForm.read(json, offset, length);
        }
        Message m;
        try (JsonParser p = FACTORY.createParser(json, offset, length)) {
            m = JsonForm.read(p);
        }
        return m != null ? m : DatabindCodec.decode(json, offset, length);
    }

    public static Message decode(InputStream json) throws IOException {
        return decode(json.readAllBytes());
    }
}
