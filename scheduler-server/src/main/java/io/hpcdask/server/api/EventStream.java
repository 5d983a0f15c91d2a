package io.hpcdask.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's {@code text/event-stream}: a queue of messages and the writer that frames and sends them. The stream
 * holds no thread while it has nothing to send; a writer task runs (on {@code writers}) only while messages wait, so
 * a client that stops reading holds one writer thread at most and never the caller's (until the JDK's server cuts its
 * connection, {@link ApiServer#REQUEST_SECONDS} after the stream began). Messages beyond {@code maxQueued} drop the
 * client; messages sent with {@link #sendLatest} do not count, being one per key at most. The exchange is only ever closed on a writer thread: closing writes the chunked
 * body's end, which may wait for the client.
 */
final class EventStream implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.UTF_8);
    /** Written in one piece when this much is framed, so a burst is not held back in memory. */
    private static final int WRITE_AT = 64 * 1024;

    private enum Control { FINISH, ABORT }

    private record Message(String event, String id, Object data) {}

    private record Key(String key) {}

    private final HttpExchange ex;
    private final Executor writers;
    private final ObjectMapper json;
    private final int maxQueued;
    private final Consumer<EventStream> closed;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<String, Message> latest = new ConcurrentHashMap<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final List<EventTopic.Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    /** Nothing is written before the headers: a topic's first messages wait for them. */
    private volatile boolean started;
    private boolean ended; // on the writer only
    private OutputStream out;

    EventStream(HttpExchange ex, Executor writers, ObjectMapper json, int maxQueued, Consumer<EventStream> closed) {
        this.ex = ex;
        this.writers = writers;
        this.json = json;
        this.maxQueued = maxQueued;
        this.closed = closed;
    }

    HttpExchange exchange() {
        return ex;
    }

    void subscribed(EventTopic.Subscription s) {
        AtomicBoolean once = new AtomicBoolean();
        EventTopic.Subscription closeOnce = () -> {
            if (once.compareAndSet(false, true)) {
                s.close();
            }
        };
        subscriptions.add(closeOnce);
        if (!open) { // closed meanwhile: the writer may have stopped the others already
            closeOnce.close();
        }
    }

    /** Sends the headers and {@code retry}: how soon a browser reconnects once the server ends the stream. */
    void start(long retryMillis) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Accel-Buffering", "no");
        ex.sendResponseHeaders(200, 0);
        out = ex.getResponseBody();
        // the first bytes, before any writer runs: a dozen bytes into an empty socket buffer do not wait
        out.write(("retry: " + retryMillis + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        started = true;
        schedule();
    }

    /** The stream was refused before it started: its topics stop; the caller answers the request. */
    void abortUnstarted() {
        open = false;
        subscriptions.forEach(EventTopic.Subscription::close);
        queue.clear();
        latest.clear();
    }

    @Override
    public boolean send(String event, Object data) {
        return send(event, null, data);
    }

    @Override
    public boolean send(String event, String id, Object data) {
        return enqueue(new Message(event, id, data));
    }

    @Override
    public boolean sendLatest(String key, String event, Supplier<Object> data) {
        if (!open) {
            return false;
        }
        if (latest.put(key, new Message(event, null, data)) == null) {
            // not counted against the bound: such messages are as many as their keys at most
            queue.add(new Key(key));
            schedule();
        }
        return true;
    }

    @Override
    public boolean runOnWriter(Runnable task) {
        return enqueue(task);
    }

    void ping() {
        enqueue(PING);
    }

    @Override
    public void finish() {
        if (open) {
            queue.add(Control.FINISH);
            schedule();
        }
    }

    /** Ends the stream without sending what waits (the server stops, or the client fell too far behind). */
    void abort() {
        if (open) {
            open = false;
            queue.add(Control.ABORT);
            schedule();
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    private boolean enqueue(Object item) {
        if (!open) {
            return false;
        }
        if (queued.incrementAndGet() > maxQueued) {
            LOG.info("Dropped an event stream: its client fell more than {} messages behind", maxQueued);
            abort();
            return false;
        }
        queue.add(item);
        schedule();
        return true;
    }

    private void schedule() {
        if (started && scheduled.compareAndSet(false, true)) {
            try {
                writers.execute(this::drain);
            } catch (RejectedExecutionException e) { // the server has stopped: nothing will be written
                open = false;
                scheduled.set(false);
            }
        }
    }

    /** On a writer thread, one at a time: frames and writes what is queued, until the queue is empty. */
    private void drain() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
        try {
            while (!ended) {
                Object item = queue.poll();
                if (item == null) {
                    write(buf);
                    scheduled.set(false);
                    if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                if (item instanceof Control c) {
                    if (c == Control.FINISH) {
                        write(buf);
                    }
                    end();
                    return;
                }
                if (!(item instanceof Key)) {
                    queued.decrementAndGet();
                }
                if (!open) {
                    continue; // aborted: what is left is not sent
                }
                if (item instanceof Runnable task) {
                    write(buf); // what was queued before the task reaches the client before the task runs
                    task.run();
                } else if (item instanceof Key k) {
                    Message m = latest.remove(k.key());
                    if (m != null) {
                        frame(m, buf);
                    }
                } else if (item instanceof Message m) {
                    frame(m, buf);
                } else {
                    buf.write((byte[]) item);
                }
                if (buf.size() >= WRITE_AT) {
                    write(buf);
                }
            }
        } catch (IOException e) {
            LOG.debug("Event stream closed: {}", e.toString());
            end();
        } catch (RuntimeException e) {
            LOG.warn("Event stream failed", e);
            end();
        }
    }

    private void frame(Message m, ByteArrayOutputStream buf) throws IOException {
        Object data = m.data() instanceof Supplier<?> s ? s.get() : m.data();
        StringBuilder head = new StringBuilder(32).append("event: ").append(m.event()).append('\n');
        if (m.id() != null) {
            head.append("id: ").append(m.id()).append('\n');
        }
        head.append("data: ");
        buf.write(head.toString().getBytes(StandardCharsets.UTF_8));
        buf.write(json.writeValueAsBytes(data)); // one line: the mapper does not indent
        buf.write('\n');
        buf.write('\n');
    }

    private void write(ByteArrayOutputStream buf) throws IOException {
        if (buf.size() > 0) {
            buf.writeTo(out);
            buf.reset();
            out.flush();
        }
    }

    /** On the writer: stops the topics, ends the body and tells the server. */
    private void end() {
        ended = true;
        open = false;
        subscriptions.forEach(EventTopic.Subscription::close);
        queue.clear();
        latest.clear();
        closed.accept(this);
    }
}
