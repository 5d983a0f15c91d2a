package io.hpcdask.server.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code text/event-stream} body: each message ({@code event:}, {@code id:}, {@code data:} lines up to a blank
 * line) goes to {@link Handler#event}, each comment (the server's {@code : ping}) to {@link Handler#alive}.
 */
final class EventStreamReader {
    /** The longest line accepted: a log piece of {@link LogTopic#MAX_CHUNK} bytes as base64 in JSON fits well. */
    static final int MAX_LINE = 4 << 20;

    /** What the client does with what arrives. */
    interface Handler {
        /** One message; false: stop reading (the client has what it waited for). */
        boolean event(String name, String id, String data) throws IOException;

        /** A comment line: the server is alive. */
        default void alive() {
        }
    }

    private EventStreamReader() {
    }

    /** Reads until the handler says stop (true) or the stream ends (false). */
    static boolean read(InputStream in, Handler handler) throws IOException {
        String name = null;
        String id = null;
        StringBuilder data = null;
        for (String line = line(in); line != null; line = line(in)) {
            if (line.isEmpty()) {
                if (data != null && !handler.event(name == null ? "message" : name, id, data.toString())) {
                    return true;
                }
                name = null;
                id = null;
                data = null;
            } else if (line.startsWith(":")) {
                handler.alive();
            } else {
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1 < line.length() && line.charAt(colon + 1) == ' '
                        ? colon + 2 : colon + 1);
                switch (field) {
                    case "event" -> name = value;
                    case "id" -> id = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { } // retry and unknown fields: nothing this client uses
                }
            }
        }
        return false;
    }

    /** One line without its end (LF or CRLF), or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            if (b.size() >= MAX_LINE) {
                throw new IOException("an event line is longer than " + MAX_LINE + " bytes");
            }
            b.write(c);
        }
        return null; // a line cut off by the end of the stream is no message
    }
}
