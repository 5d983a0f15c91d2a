package io.hpcdask.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** JSON form of {@link Message}s as they travel in frames; both ends share this one mapping. */
public final class WireCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            // a newer peer may add fields; an older reader ignores them rather than dropping the link
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final ObjectWriter WRITER = MAPPER.writerFor(Message.class);
    private static final ObjectReader READER = MAPPER.readerFor(Message.class);

    private WireCodec() {
    }

    public static byte[] encode(Message message) {
        try {
            return WRITER.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    public static void encode(Message message, OutputStream out) throws IOException {
        WRITER.writeValue(out, message);
    }

    public static Message decode(byte[] json) throws IOException {
        return READER.readValue(json);
    }

    public static Message decode(InputStream json) throws IOException {
        return READER.readValue(json);
    }
}
