package io.hpcdask.protocol;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random {@link Message}s of any type, found by reflection over its record components: a field added to a message is
 * filled too, so the codec tests catch a form that forgets it.
 */
final class RandomMessages {
    private final Random random;

    RandomMessages(long seed) {
        this.random = new Random(seed);
    }

    /** A message of {@code type} with random values in every component (nulls, empties and odd characters too). */
    Message of(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = randomValue(components[i].getGenericType());
        }
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            return (Message) canonical.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot make a " + type.getSimpleName(), e);
        }
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
