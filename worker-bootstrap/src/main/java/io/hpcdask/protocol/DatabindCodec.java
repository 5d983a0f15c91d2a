package io.hpcdask.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;

/**
 * The link's JSON as Jackson databind reads and writes it from {@link Message}'s annotations: the reference form that
 * {@link WireCodec}'s streaming codec matches byte for byte ({@code WireCodecTest}), and its fallback for a frame whose
 * {@code type} is not its first field (no hpc-dask peer sends one). Loaded only on that fallback, so a worker never
 * pays databind's start-up.
 */
final class DatabindCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            // a newer peer may add fields; an older reader ignores them rather than dropping the link
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final ObjectWriter WRITER = MAPPER.writerFor(Message.class);
    private static final ObjectReader READER = MAPPER.readerFor(Message.class);

    private DatabindCodec() {
    }

    static byte[] encode(Message message) throws IOException {
        return WRITER.writeValueAsBytes(message);
    }

    static Message decode(byte[] json, int offset, int length) throws IOException {
        return READER.readValue(json, offset, length);
    }
}
