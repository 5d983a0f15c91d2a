package io.hpcdask.server.api;

import java.util.function.Supplier;

/**
 * One client's event stream as a topic sees it. Every method returns at once and may be called on any thread (the
 * scheduler's loop among them): messages are queued and written by the stream's own writer, so a slow client never
 * delays the caller. A client that falls more than {@link EventStreams#MAX_QUEUED} messages behind is dropped (its
 * stream closes; it may reconnect and be sent the state afresh).
 */
public interface EventSink {
    /** Queues {@code event} with {@code data} (written as one line of JSON); false when the stream is closed. */
    boolean send(String event, Object data);

    /** As {@link #send}, with an SSE {@code id:} the client may resume from ({@code Last-Event-ID}). */
    boolean send(String event, String id, Object data);

    /**
     * Queues {@code event} under {@code key}: while it waits to be written, a later message with the same key takes
     * its place (a burst of changes to one thing costs one message). {@code data} is computed when written, on the
     * stream's writer thread.
     */
    boolean sendLatest(String key, String event, Supplier<Object> data);

    /**
     * Runs {@code task} on the stream's writer, after what is queued before it has been written: a topic that reads
     * (a log, the store) does it there, one piece at a time, paced by how fast the client takes them.
     */
    boolean runOnWriter(Runnable task);

    /** Ends the stream once what is queued before has been written. */
    void finish();

    boolean isOpen();
}
