package io.hpcdask.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * JSON form of {@link Message}s as they travel in frames; both ends share this one mapping. Written and read with
 * jackson-core's streaming generator and parser ({@link MessageWriter}, {@link MessageReader}), the same bytes that
 * databind makes from {@link Message}'s annotations, at a fraction of its cost under C1 ({@code scripts/bench-link}).
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

    public static void encode(Message message, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            MessageWriter.write(g, message);
        }
    }

    public static Message decode(byte[] json) throws IOException {
        return decode(json, 0, json.length);
    }

    public static Message decode(byte[] json, int offset, int length) throws IOException {
        Message m;
        try (JsonParser p = FACTORY.createParser(json, offset, length)) {
            m = MessageReader.read(p);
        }
        return m != null ? m : DatabindCodec.decode(json, offset, length);
    }

    public static Message decode(InputStream json) throws IOException {
        return decode(json.readAllBytes());
    }
}
