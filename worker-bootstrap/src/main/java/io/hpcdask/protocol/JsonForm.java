package io.hpcdask.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link Message}, with jackson-core's generator and parser and no reflection: databind's bytes
 * ({@code type} first, then every record component in order, nulls included), read as databind reads them with
 * unknown fields ignored (an absent field is null, 0 or false; an unknown one is skipped, so peers that add fields
 * keep talking). It goes through the {@link CompactForm}, whose code is the one place that knows each record, by
 * {@link MessageSchema}'s names; JSON is only the handshake's, a few messages per link. {@code WireCodecDatabindTest}
 * checks both ways against databind on random messages of every type.
 */
final class JsonForm {
    private JsonForm() {
    }

    static void write(JsonGenerator g, Message message) throws IOException {
        CompactForm.Writer compact = new CompactForm.Writer().write(message);
        CompactForm.Reader r = new CompactForm.Reader(compact.array(), 0, compact.size());
        MessageSchema.Type type = MessageSchema.byNumber(r.type());
        g.writeStartObject();
        g.writeStringField("type", type.name());
        int key = r.key(); // the compact form writes fields in order and leaves out nulls and zeros
        for (int i = 1; i <= type.fields().length; i++) {
            MessageSchema.Kind kind = type.kinds()[i - 1];
            g.writeFieldName(type.fields()[i - 1]);
            if (key != 0 && key >>> 3 == i) {
                value(g, r, key, kind);
                key = r.key();
            } else if (kind == MessageSchema.Kind.NUMBER) {
                g.writeNumber(0);
            } else if (kind == MessageSchema.Kind.FLAG) {
                g.writeBoolean(false);
            } else {
                g.writeNull();
            }
        }
        g.writeEndObject();
    }

    private static void value(JsonGenerator g, CompactForm.Reader r, int key, MessageSchema.Kind kind) throws IOException {
        switch (kind) {
            case NUMBER -> g.writeNumber(r.number(key));
            case FLAG -> g.writeBoolean(r.number(key) != 0);
            case TEXT -> g.writeString(r.string(key));
            case BYTES -> g.writeBinary(r.bytes(key));
            case TEXTS -> {
                g.writeStartArray();
                for (String s : r.strings(key)) {
                    text(g, s);
                }
                g.writeEndArray();
            }
            case NUMBERS -> {
                g.writeStartObject();
                for (Map.Entry<String, Long> e : r.longs(key).entrySet()) {
                    g.writeFieldName(e.getKey());
                    if (e.getValue() == null) {
                        g.writeNull();
                    } else {
                        g.writeNumber(e.getValue());
                    }
                }
                g.writeEndObject();
            }
            case TEXT_MAP -> {
                g.writeStartObject();
                for (Map.Entry<String, String> e : r.texts(key).entrySet()) {
                    g.writeFieldName(e.getKey());
                    text(g, e.getValue());
                }
                g.writeEndObject();
            }
        }
    }

    private static void text(JsonGenerator g, String s) throws IOException {
        if (s == null) {
            g.writeNull();
        } else {
            g.writeString(s);
        }
    }

    /**
     * The message at {@code p}'s next token, or null when the object's first field is not {@code type} (the caller
     * falls back to databind, which finds it anywhere; no hpc-dask peer writes it elsewhere).
     */
    static Message read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new JsonParseException(p, "a message is a JSON object");
        }
        if (p.nextToken() != JsonToken.FIELD_NAME || !"type".equals(p.currentName())
                || p.nextToken() != JsonToken.VALUE_STRING) {
            return null;
        }
        MessageSchema.Type type = MessageSchema.byName(p.getText());
        if (type == null) {
            throw new JsonParseException(p, "unknown message type (not one of this protocol's)");
        }
        CompactForm.Writer w = new CompactForm.Writer().begin(type.number());
        for (String name; (name = field(p)) != null; ) {
            int i = type.field(name);
            if (i == 0) {
                p.skipChildren();
                continue;
            }
            switch (type.kinds()[i - 1]) {
                case NUMBER -> w.number(i, number(p));
                case FLAG -> w.flag(i, flag(p));
                case TEXT -> w.string(i, text(p));
                case BYTES -> w.bytes(i, binary(p));
                case TEXTS -> w.strings(i, texts(p));
                case NUMBERS -> w.numbers(i, map(p, JsonForm::number));
                case TEXT_MAP -> w.texts(i, map(p, JsonForm::text));
            }
        }
        w.end();
        return CompactForm.read(w.array(), 0, w.size());
    }

    /** Moves to the next field's value and returns its name, or null at the object's end. */
    private static String field(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_OBJECT) {
            return null;
        }
        if (t != JsonToken.FIELD_NAME) {
            throw new JsonParseException(p, "a message is a JSON object of fields");
        }
        String name = p.currentName();
        p.nextToken();
        return name;
    }

    private static String text(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!t.isScalarValue()) {
            throw new JsonParseException(p, "expected a string");
        }
        return p.getText();
    }

    /** A number; null is 0 and a numeric string is read as databind coerces it. */
    private static long number(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_FLOAT) {
            try {
                return t == JsonToken.VALUE_STRING ? Long.parseLong(p.getText().trim()) : (long) p.getDoubleValue();
            } catch (NumberFormatException e) {
                throw new JsonParseException(p, "expected a number");
            }
        }
        throw new JsonParseException(p, "expected a number");
    }

    private static boolean flag(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE || t == JsonToken.VALUE_NULL) {
            return t == JsonToken.VALUE_TRUE;
        }
        if (t == JsonToken.VALUE_STRING && (p.getText().equals("true") || p.getText().equals("false"))) {
            return p.getText().equals("true");
        }
        throw new JsonParseException(p, "expected true or false");
    }

    private static byte[] binary(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new JsonParseException(p, "expected base64 bytes");
        }
        return p.getBinaryValue();
    }

    private static List<String> texts(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new JsonParseException(p, "expected an array");
        }
        List<String> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            values.add(text(p));
        }
        return values;
    }

    private interface Value<V> {
        V read(JsonParser p) throws IOException;
    }

    /** A JSON object of values (null stays null), or null. */
    private static <V> Map<String, V> map(JsonParser p, Value<V> value) throws IOException {
        if (!startMap(p)) {
            return null;
        }
        Map<String, V> values = new LinkedHashMap<>();
        for (String f; (f = field(p)) != null; ) {
            values.put(f, p.currentToken() == JsonToken.VALUE_NULL ? null : value.read(p));
        }
        return values;
    }

    /** True at an object's start, false at null; anything else is an error. */
    private static boolean startMap(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return false;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new JsonParseException(p, "expected an object");
        }
        return true;
    }
}
