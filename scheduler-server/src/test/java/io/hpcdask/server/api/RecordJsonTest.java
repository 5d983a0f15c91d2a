package io.hpcdask.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The client's JSON ({@link RecordJson}) against the server's (databind), both ways, for every record the client
 * sends or reads, each filled with a value in every component (so a component added later is covered at once).
 */
class RecordJsonTest {
    final ObjectMapper databind = new ObjectMapper();

    /** What {@link SchedulerClient} reads, as the types it names. */
    static final List<Type> READ = List.of(
            new TypeReference<RunPage>() {}.getType(),
            new TypeReference<List<RunView>>() {}.getType(),
            new TypeReference<List<WorkerView>>() {}.getType(),
            ClusterStatus.class, ScalingView.class, ScalingWait.class, StageResult.class, RunLogChunk.class,
            RunFollow.class, RunsProgress.class, ScaleResult.class, CancelResult.class, LoginCode.class,
            new TypeReference<List<String>>() {}.getType(), String.class);

    /** What it sends. */
    static final List<Type> SENT = List.of(
            new TypeReference<List<RunRequest>>() {}.getType(), RetryRequest.class, CancelSelection.class,
            ScaleRequest.class, AdaptRequest.class, new TypeReference<List<String>>() {}.getType(), String.class,
            new TypeReference<Map<String, String>>() {}.getType());

    @Test
    void readsWhatTheServerWritesForEveryAnswer() throws Exception {
        for (Type type : READ) {
            Object value = filled(type, 1);
            byte[] server = databind.writeValueAsBytes(value);
            Object read = RecordJson.read(server, type);
            assertThat(tree(read)).as(type.getTypeName()).isEqualTo(databind.readTree(server));
        }
    }

    @Test
    void writesWhatTheServerReadsForEveryRequest() throws Exception {
        for (Type type : SENT) {
            Object value = filled(type, 1);
            byte[] client = RecordJson.write(value);
            Object serverRead = databind.readValue(client, databind.constructType(type));
            assertThat(tree(serverRead)).as(type.getTypeName()).isEqualTo(tree(value));
        }
    }

    @Test
    void nullComponentsAreLeftOutAndReadBackAsNullOrZero() throws Exception {
        RunRequest r = new RunRequest(List.of("true"), false, null, null, null, null);
        String text = new String(RecordJson.write(r), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("{\"argv\":[\"true\"],\"shell\":false}");
        assertThat(databind.readValue(text, RunRequest.class)).isEqualTo(r);
        WorkerView w = RecordJson.read("{\"name\":\"w1\"}".getBytes(StandardCharsets.UTF_8), WorkerView.class);
        assertThat(w).isEqualTo(new WorkerView("w1", null, null, null, null, null, 0, 0, null, null));
    }

    @Test
    void fieldsItDoesNotKnowAreSkippedWhateverTheirShape() throws Exception {
        String newer = "{\"ids\":[\"1\"],\"later\":{\"a\":[1,{\"b\":null}]},\"warnings\":[],\"alsoLater\":[[]]}";
        assertThat(RecordJson.<StageResult>read(newer.getBytes(StandardCharsets.UTF_8), StageResult.class))
                .isEqualTo(new StageResult(List.of("1"), List.of()));
    }

    @Test
    void aWrongShapeIsAnIoFailureNamingWhatWasExpected() {
        assertThatThrownBy(() -> RecordJson.read("[1]".getBytes(StandardCharsets.UTF_8), StageResult.class))
                .isInstanceOf(IOException.class).hasMessageContaining("expected START_OBJECT");
        assertThatThrownBy(() -> RecordJson.read("{\"slots\":\"many\"}".getBytes(StandardCharsets.UTF_8), WorkerView.class))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> RecordJson.read(new byte[0], String.class)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> RecordJson.read("{\"ids\":[\"1\"".getBytes(StandardCharsets.UTF_8), StageResult.class))
                .isInstanceOf(IOException.class);
    }

    private JsonNode tree(Object value) throws IOException {
        return databind.readTree(databind.writeValueAsBytes(value));
    }

    /** A value of {@code type} with every component set, to values that differ by {@code seed}. */
    static Object filled(Type type, int seed) {
        if (type instanceof ParameterizedType pt) {
            Class<?> raw = (Class<?>) pt.getRawType();
            Type[] args = pt.getActualTypeArguments();
            if (raw == List.class) {
                List<Object> out = new ArrayList<>();
                out.add(filled(args[0], seed + 1));
                out.add(filled(args[0], seed + 2));
                return out;
            }
            if (raw == Map.class) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("k" + seed, filled(args[1], seed + 1));
                return out;
            }
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            return "s" + seed + " \"quoted\" \u00e9";
        } else if (c == long.class || c == Long.class) {
            return 10_000_000_000L + seed;
        } else if (c == int.class || c == Integer.class) {
            return 100 + seed;
        } else if (c == boolean.class || c == Boolean.class) {
            return true;
        } else if (c == double.class || c == Double.class) {
            return seed + 0.5;
        } else if (c == byte[].class) {
            return new byte[] {(byte) seed, 0, (byte) 0xff};
        } else if (c.isEnum()) {
            Object[] constants = c.getEnumConstants();
            return constants[seed % constants.length];
        } else if (c.isRecord()) {
            RecordComponent[] components = c.getRecordComponents();
            Object[] args = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                args[i] = filled(components[i].getGenericType(), seed + i);
                types[i] = components[i].getType();
            }
            try {
                return c.getDeclaredConstructor(types).newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(c.getName(), e);
            }
        }
        throw new IllegalArgumentException("no filler for " + type);
    }
}
