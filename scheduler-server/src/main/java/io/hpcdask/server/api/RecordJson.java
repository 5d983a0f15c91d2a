package io.hpcdask.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API's records to and from JSON on the CLI's side, with jackson-core's streaming parser and generator bound by
 * record components. Why not databind's ObjectMapper, which the server keeps: its first use (StdDateFormat's calendar
 * and the JDK's locale providers, then a deserializer per record built by annotation reflection) was about half of a
 * short command's own time (issue 10). The JSON is databind's: a component is the field of its name, a {@code byte[]}
 * base64, an enum its name. Reading, an absent field is null (0 or false for a primitive) and an unknown one is skipped,
 * so an older or newer server's answer reads as databind would with {@code ignoreUnknown}; writing leaves out null
 * components, which the server reads as null. {@code RecordJsonTest} checks both ways against databind for every
 * record the client sends or reads.
 */
public final class RecordJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ClassValue<Binding> BINDINGS = new ClassValue<>() {
        @Override
        protected Binding computeValue(Class<?> type) {
            return Binding.of(type);
        }
    };

    private RecordJson() {
    }

    /** {@code json} as a value of {@code type}: a record, a {@code List} or {@code Map<String, ?>} of them, or a scalar. */
    @SuppressWarnings("unchecked")
    public static <T> T read(byte[] json, Type type) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                throw new JsonParseException(p, "no JSON value");
            }
            return (T) value(p, type);
        }
    }

    /** {@code value} (a record, collection, map or scalar) as JSON. */
    public static byte[] write(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
            write(g, value);
        }
        return bytes.toByteArray();
    }

    private static Object value(JsonParser p, Type type) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (type instanceof ParameterizedType pt) {
            Class<?> raw = (Class<?>) pt.getRawType();
            Type[] args = pt.getActualTypeArguments();
            if (raw == List.class || raw == Collection.class) {
                return list(p, args[0]);
            }
            if (raw == Map.class) {
                return map(p, args[1]);
            }
            throw new IllegalArgumentException("no JSON binding for " + type);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            if (!p.currentToken().isScalarValue()) {
                throw new JsonParseException(p, "expected a string, found " + p.currentToken());
            }
            return p.getText();
        } else if (c == long.class || c == Long.class) {
            return p.getLongValue();
        } else if (c == int.class || c == Integer.class) {
            return p.getIntValue();
        } else if (c == boolean.class || c == Boolean.class) {
            return p.getBooleanValue();
        } else if (c == double.class || c == Double.class) {
            return p.getDoubleValue();
        } else if (c == byte[].class) {
            return p.getBinaryValue();
        } else if (c.isEnum()) {
            return enumValue(p, c);
        } else if (c.isRecord()) {
            return BINDINGS.get(c).read(p);
        }
        throw new IllegalArgumentException("no JSON binding for " + type);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(JsonParser p, Class<?> c) throws IOException {
        String name = p.getText();
        try {
            return Enum.valueOf((Class<? extends Enum>) c, name);
        } catch (IllegalArgumentException e) {
            throw new JsonParseException(p, "'" + name + "' is not one of " + List.of(c.getEnumConstants()));
        }
    }

    private static List<Object> list(JsonParser p, Type element) throws IOException {
        expect(p, JsonToken.START_ARRAY);
        List<Object> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            out.add(value(p, element));
        }
        return out;
    }

    private static Map<String, Object> map(JsonParser p, Type valueType) throws IOException {
        expect(p, JsonToken.START_OBJECT);
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
            p.nextToken();
            out.put(key, value(p, valueType));
        }
        return out;
    }

    private static void expect(JsonParser p, JsonToken token) throws IOException {
        if (p.currentToken() != token) {
            throw new JsonParseException(p, "expected " + token + ", found " + p.currentToken());
        }
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            g.writeNumber(((Number) v).doubleValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof byte[] b) {
            g.writeBinary(b);
        } else if (v instanceof Enum<?> e) {
            g.writeString(e.name());
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object o : c) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v.getClass().isRecord()) {
            BINDINGS.get(v.getClass()).write(g, v);
        } else {
            throw new IllegalArgumentException("no JSON binding for " + v.getClass().getName());
        }
    }

    /** A record's components by name and its canonical constructor. */
    private record Binding(RecordComponent[] components, Map<String, Integer> index, Constructor<?> constructor) {
        static Binding of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                index.put(components[i].getName(), i);
            }
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(types);
                constructor.setAccessible(true);
                for (RecordComponent c : components) {
                    c.getAccessor().setAccessible(true);
                }
                return new Binding(components, index, constructor);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("record without its canonical constructor: " + type.getName(), e);
            }
        }

        Object read(JsonParser p) throws IOException {
            expect(p, JsonToken.START_OBJECT);
            Object[] args = new Object[components.length];
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                p.nextToken();
                Integer i = index.get(name);
                if (i == null) {
                    p.skipChildren();
                } else {
                    args[i] = value(p, components[i].getGenericType());
                }
            }
            for (int i = 0; i < args.length; i++) {
                if (args[i] == null && components[i].getType().isPrimitive()) {
                    args[i] = zero(components[i].getType());
                }
            }
            try {
                return constructor.newInstance(args);
            } catch (InvocationTargetException e) {
                throw new JsonParseException(p, "cannot make a " + constructor.getDeclaringClass().getSimpleName() + ": "
                        + e.getCause().getMessage());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        void write(JsonGenerator g, Object record) throws IOException {
            g.writeStartObject();
            for (RecordComponent c : components) {
                Object v;
                try {
                    v = c.getAccessor().invoke(record);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                if (v != null) {
                    g.writeFieldName(c.getName());
                    RecordJson.write(g, v);
                }
            }
            g.writeEndObject();
        }

        private static Object zero(Class<?> primitive) {
            if (primitive == boolean.class) {
                return false;
            }
            if (primitive == long.class) {
                return 0L;
            }
            if (primitive == double.class) {
                return 0.0;
            }
            return 0;
        }
    }
}
