package io.hpcdask.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Many runs sent as they are read, a slice at a time: a page of them in the JSON a {@link RunPage} has, or every run
 * as an array. The server never holds the whole answer, nor its runs, however many there are (every run of 100,000,
 * written whole, took the server past 1 GB). Its length is not known before the end, so it goes chunked. A failure
 * once the answer has begun leaves its JSON unfinished, which a client cannot take for a whole answer.
 */
final class RunPageStream {
    /** Pages of at most this many runs are answered whole, with their length: small ones are most of them. */
    static final int WHOLE_UP_TO = 1_000;

    private final ObjectWriter views;
    private final ObjectWriter counts;
    private final ObjectMapper json;

    RunPageStream(ObjectMapper json) {
        this.json = json;
        // a flush per run would send a chunk per run
        this.views = json.writerFor(RunView.class).without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        this.counts = json.writerFor(Map.class).without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    }

    static boolean wanted(RunFilter filter) {
        return filter.limit() == 0 || filter.limit() > WHOLE_UP_TO;
    }

    /** The page {@code filter} asks for, as a {@link RunPage}'s JSON. */
    void send(HttpExchange ex, SchedulerService service, RunFilter filter) throws IOException {
        Answer out = new Answer(ex);
        JsonGenerator g = generator(out);
        g.writeStartObject();
        g.writeArrayFieldStart("runs");
        RunPage[] rest = new RunPage[1];
        writeSlices(g, each -> rest[0] = service.runPage(filter, each));
        g.writeEndArray();
        g.writeNumberField("matching", rest[0].matching());
        g.writeFieldName("counts");
        counts.writeValue(g, rest[0].counts());
        g.writeNumberField("serverTime", rest[0].serverTime());
        g.writeEndObject();
        g.close();
        out.close();
    }

    /** Every run in {@code state} (null: any), as a JSON array of runs ({@code GET /api/runs}). */
    void sendAll(HttpExchange ex, SchedulerService service, String state) throws IOException {
        Answer out = new Answer(ex);
        JsonGenerator g = generator(out);
        g.writeStartArray();
        writeSlices(g, each -> service.runs(state, each));
        g.writeEndArray();
        g.close();
        out.close();
    }

    /**
     * Closed only once the answer is whole: on a failure the generator is dropped, neither finishing the JSON it holds
     * nor flushing it, so that a refusal found before anything was sent (a state that does not exist) still goes out
     * as an error, and a failure later leaves the JSON unfinished.
     */
    private JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator g = json.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET); // the answer is closed on its own, once whole
        return g;
    }

    /** The answer's body, its status line and headers sent with its first bytes: 200, chunked. */
    private static final class Answer extends OutputStream {
        private final HttpExchange ex;
        private OutputStream body;

        Answer(HttpExchange ex) {
            this.ex = ex;
        }

        private OutputStream body() throws IOException {
            if (body == null) {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, 0);
                body = ex.getResponseBody();
            }
            return body;
        }

        @Override
        public void write(int b) throws IOException {
            body().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            body().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (body != null) {
                body.flush();
            }
        }

        @Override
        public void close() throws IOException {
            body().close();
        }
    }

    /** Runs {@code read}, writing each run of every slice it hands on. */
    private void writeSlices(JsonGenerator g, Consumer<Consumer<List<RunView>>> read) throws IOException {
        try {
            read.accept(slice -> {
                try {
                    for (RunView v : slice) {
                        views.writeValue(g, v);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
