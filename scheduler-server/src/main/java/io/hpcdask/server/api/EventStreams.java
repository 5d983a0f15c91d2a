package io.hpcdask.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code GET /api/events?topics=a,b=value,...}: the server-sent event streams of {@link ApiServer}, and the
 * {@link EventTopic}s they carry. Every stream gets a {@code : ping} comment every {@link #PING_MILLIS} and ends
 * cleanly after {@link #LIFETIME_MILLIS}, telling the client ({@code retry:}) to reconnect at once: the JDK's HTTP server
 * cuts any answer that takes longer than {@link ApiServer#REQUEST_SECONDS} (its guard against clients that stop
 * reading), and a clean end with a resumable position is better than a cut. A topic therefore starts every stream
 * with how things stand, and a log resumes from its {@code Last-Event-ID}.
 */
public final class EventStreams implements AutoCloseable {
    /** How often a stream says it is alive, so a proxy or forward keeps it and a gone client is noticed. */
    public static final long PING_MILLIS = 15_000;
    /** How long one stream lasts before the server ends it: below the JDK server's cut (see above). */
    public static final long LIFETIME_MILLIS = (ApiServer.REQUEST_SECONDS - 4) * 1000;
    /** How soon a client reconnects after the server ended its stream. */
    static final long RETRY_MILLIS = 200;
    /** The most streams at once; beyond, 503 (each holds a connection). */
    static final int MAX_STREAMS = 256;
    /** How far a client may fall behind, in messages waiting to be written, before it is dropped. */
    public static final int MAX_QUEUED = 10_000;

    private final Map<String, EventTopic> topics = new ConcurrentHashMap<>();
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private final ObjectMapper json;
    private final Limits limits;
    private final Consumer<HttpExchange> done;
    private final ThreadPoolExecutor writers;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "api-events-timer"));
    private final ScheduledFuture<?> pings;
    private volatile boolean closed;

    /** The bounds of the streams; tests shorten the times. */
    record Limits(int maxStreams, int maxQueued, long lifetimeMillis, long pingMillis) {
        static final Limits DEFAULT = new Limits(MAX_STREAMS, MAX_QUEUED, LIFETIME_MILLIS, PING_MILLIS);
    }

    /** {@code done} is told when a stream's exchange has ended (on a writer thread). */
    EventStreams(ObjectMapper json, Limits limits, Consumer<HttpExchange> done) {
        this.json = json;
        this.limits = limits;
        this.done = done;
        // a thread only while a stream has something to write: one per stream at most, none for an idle one
        this.writers = new ThreadPoolExecutor(0, limits.maxStreams() + 1, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "api-events"));
        this.pings = timer.scheduleAtFixedRate(() -> streams.forEach(EventStream::ping), limits.pingMillis(),
                limits.pingMillis(), TimeUnit.MILLISECONDS);
    }

    /** The streams' timer (pings, lifetimes): topics schedule their paced messages on it; stopped at {@link #close}. */
    ScheduledExecutorService timer() {
        return timer;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Makes {@code topic} available to clients under its name (a later one of the same name replaces it). */
    public void register(EventTopic topic) {
        topics.put(topic.name(), topic);
    }

    /** Streams open now, for tests. */
    int openCount() {
        return streams.size();
    }

    /** Writer threads alive now, for tests: idle streams hold none. */
    int writerThreads() {
        return writers.getPoolSize();
    }

    /**
     * Opens a stream on {@code ex} for the topics its query names. Refuses (an {@link ApiException}, before anything is
     * sent) an unknown topic, a topic's bad value, and a stream beyond {@link #MAX_STREAMS}.
     */
    void open(HttpExchange ex, Map<String, String> query) throws IOException {
        Map<String, String> wanted = parseTopics(query.get("topics"));
        List<EventTopic> chosen = new ArrayList<>();
        for (String name : wanted.keySet()) {
            EventTopic t = topics.get(name);
            if (t == null) {
                throw new ApiException(400, "topics: no topic '" + name + "'; expected " + String.join(", ",
                        new java.util.TreeSet<>(topics.keySet())) + " (e.g. topics=runs=1-10,log=3)");
            }
            chosen.add(t);
        }
        if (closed) {
            throw new ApiException(503, "the scheduler is shutting down");
        }
        EventStream stream = new EventStream(ex, writers, json, limits.maxQueued(), this::ended);
        synchronized (streams) {
            if (streams.size() >= limits.maxStreams()) {
                throw new ApiException(503, "too many event streams are open (" + limits.maxStreams() + "); try again shortly");
            }
            streams.add(stream);
        }
        String lastId = ex.getRequestHeaders().getFirst("Last-Event-ID");
        try {
            List<Runnable> starts = new ArrayList<>();
            for (EventTopic t : chosen) {
                // opened before the headers go out: a refusal is still an ordinary error answer
                EventTopic.Subscription s = t.open(new EventRequest(wanted.get(t.name()), query, lastId), stream);
                stream.subscribed(s);
            }
            stream.start(RETRY_MILLIS);
        } catch (IOException | RuntimeException e) {
            streams.remove(stream);
            stream.abortUnstarted();
            throw e;
        }
        ScheduledFuture<?> end = timer.schedule(stream::finish, limits.lifetimeMillis(), TimeUnit.MILLISECONDS);
        stream.subscribed(() -> end.cancel(false));
        if (closed) {
            stream.abort();
        }
    }

    private void ended(EventStream stream) {
        streams.remove(stream);
        done.accept(stream.exchange());
    }

    /**
     * {@code summary,runs=1-3,5,log=7} as topic name to value. A comma separates topics, but a value may hold commas
     * itself (a list of run ids): a piece that names no topic continues the value before it.
     */
    Map<String, String> parseTopics(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new ApiException(400, "missing query parameter 'topics' (e.g. topics=runs=1-10,log=3)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        String last = null;
        for (String piece : raw.split(",", -1)) {
            int eq = piece.indexOf('=');
            String name = eq < 0 ? piece : piece.substring(0, eq);
            if (eq >= 0 || topics.containsKey(name) || last == null) {
                if (out.containsKey(name)) {
                    throw new ApiException(400, "topics: '" + name + "' is named twice");
                }
                out.put(name, eq < 0 ? "" : piece.substring(eq + 1));
                last = name;
            } else {
                out.put(last, out.get(last) + "," + piece);
            }
        }
        return out;
    }

    /** Ends every stream (the server stops); their clients see the connection end. */
    @Override
    public void close() {
        closed = true;
        pings.cancel(false);
        List<EventStream> all;
        synchronized (streams) {
            all = new ArrayList<>(streams);
        }
        all.forEach(EventStream::finish);
        timer.shutdownNow();
    }

    /** Stops the writers once the HTTP server has closed every connection (a blocked write then fails). */
    void stopWriters() {
        writers.shutdownNow();
    }
}
