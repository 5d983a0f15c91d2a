package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming codec against databind, the reference form, on random messages of every type (found by reflection,
 * so a type or field added to {@link Message} is covered, and one the codec forgets fails here): the same bytes, and
 * each side reads the other's, also with fields missing or added by a newer peer.
 */
class WireCodecDatabindTest {
    private static final ObjectMapper TREE = new ObjectMapper();
    private final Random random = new Random(20261201);

    @Test
    void everyTypeIsCovered() {
        assertThat(Message.class.getPermittedSubclasses()).hasSize(15);
    }

    @Test
    void sameBytesAsDatabindAndEachReadsTheOther() throws Exception {
        for (Class<?> type : Message.class.getPermittedSubclasses()) {
            for (int i = 0; i < 200; i++) {
                Message m = randomMessage(type);
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
                ObjectNode tree = (ObjectNode) TREE.readTree(DatabindCodec.encode(randomMessage(type)));
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

    private Message randomMessage(Class<?> type) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = randomValue(components[i].getGenericType());
        }
        Constructor<?> canonical = type.getDeclaredConstructor(types);
        return (Message) canonical.newInstance(values);
    }

    private Object randomValue(Type type) {
        if (type == int.class) {
            return random.nextBoolean() ? random.nextInt(1000) : random.nextInt();
        } else if (type == long.class) {
            return random.nextBoolean() ? (long) random.nextInt(100_000) : random.nextLong();
        } else if (type == boolean.class) {
            return random.nextBoolean();
        } else if (type == String.class) {
            return random.nextInt(6) == 0 ? null : randomString();
        } else if (type == byte[].class) {
            if (random.nextInt(6) == 0) {
                return null;
            }
            byte[] b = new byte[random.nextInt(70)];
            random.nextBytes(b);
            return b;
        } else if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            if (random.nextInt(6) == 0) {
                return null;
            }
            List<Object> list = new ArrayList<>();
            for (int i = random.nextInt(5); i > 0; i--) {
                list.add(randomValue(p.getActualTypeArguments()[0]));
            }
            return list;
        } else if (type instanceof ParameterizedType p && p.getRawType() == Map.class) {
            if (random.nextInt(6) == 0) {
                return null;
            }
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = random.nextInt(5); i > 0; i--) {
                map.put(randomString(), random.nextInt(8) == 0 ? null : randomValue(p.getActualTypeArguments()[1]));
            }
            return map;
        } else if (type == Integer.class) {
            return random.nextInt();
        } else if (type == Long.class) {
            return random.nextLong();
        }
        throw new AssertionError("no random value for " + type + ": teach this test the new field's type");
    }

    private String randomString() {
        String[] pieces = {"a", "run-7", " ", "\"", "\\", "\n", "\t", "\u0001", "ü", "日本", "\uD83D\uDE00", "/", "=", "{}"};
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(8); i > 0; i--) {
            s.append(pieces[random.nextInt(pieces.length)]);
        }
        return s.toString();
    }
}
