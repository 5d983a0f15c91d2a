package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming codec against databind, the reference form, on random messages of every type (found by reflection,
 * so a type or field added to {@link Message} is covered, and one the codec forgets fails here): the same bytes, and
 * each side reads the other's, also with fields missing or added by a newer peer.
 */
class WireCodecDatabindTest {
    private static final ObjectMapper TREE = new ObjectMapper();
    private final RandomMessages messages = new RandomMessages(20261201);
    private final Random random = new Random(7);

    @Test
    void everyTypeIsCovered() {
        assertThat(Message.class.getPermittedSubclasses()).hasSize(16);
    }

    @Test
    void sameBytesAsDatabindAndEachReadsTheOther() throws Exception {
        for (Class<?> type : Message.class.getPermittedSubclasses()) {
            for (int i = 0; i < 200; i++) {
                Message m = messages.of(type);
                byte[] ours = WireCodec.encode(m);
                byte[] reference = DatabindCodec.encode(m);
                assertThat(new String(ours, StandardCharsets.UTF_8)).isEqualTo(new String(reference, StandardCharsets.UTF_8));
                assertThat(WireCodec.decode(reference)).usingRecursiveComparison().isEqualTo(m);
                assertThat(DatabindCodec.decode(ours, 0, ours.length)).usingRecursiveComparison().isEqualTo(m);
            }
        }
    }

    @Test
    void missingAndUnknownFieldsReadAsDatabindReadsThem() throws Exception {
        for (Class<?> type : Message.class.getPermittedSubclasses()) {
            for (int i = 0; i < 100; i++) {
                ObjectNode tree = (ObjectNode) TREE.readTree(DatabindCodec.encode(messages.of(type)));
                List<String> names = new ArrayList<>();
                tree.fieldNames().forEachRemaining(names::add);
                for (String name : names) {
                    if (!name.equals("type") && random.nextInt(3) == 0) {
                        tree.remove(name); // an older peer that did not send it
                    }
                }
                ObjectNode extra = tree.putObject("fromANewerPeer" + i);
                extra.putArray("list").add(1).addObject().put("deep", "x");
                tree.put("zNewFlag", true);
                byte[] json = TREE.writeValueAsBytes(tree);
                assertThat(WireCodec.decode(json)).as(tree.toString()).usingRecursiveComparison()
                        .isEqualTo(DatabindCodec.decode(json, 0, json.length));
            }
        }
    }

    @Test
    void aTypeThatIsNotTheFirstFieldStillReads() throws Exception {
        byte[] json = "{\"runId\":\"r1\",\"pid\":7,\"type\":\"run-started\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(WireCodec.decode(json)).isEqualTo(new Message.RunStarted("r1", 7, 0));
    }

    @Test
    void decodesAFrameInsideALargerBuffer() throws Exception {
        byte[] json = WireCodec.encode(new Message.Heartbeat(5));
        byte[] padded = new byte[json.length + 10];
        System.arraycopy(json, 0, padded, 3, json.length);
        assertThat(WireCodec.decode(padded, 3, json.length)).isEqualTo(new Message.Heartbeat(5));
    }
}
