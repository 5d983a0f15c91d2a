package io.hpcdask.server.api;

/**
 * A kind of event a client may ask for in {@code GET /api/events?topics=...}: the seam where the dashboard and the
 * CLI's waits plug into the one event stream. Register one with {@link ApiServer#events()}.
 */
public interface EventTopic {
    /** The word in {@code topics=}: {@code name} or {@code name=value}. */
    String name();

    /**
     * Starts sending events to {@code sink}, beginning with how things stand now, so a client that reconnects misses
     * nothing. Called on an API thread before the stream's headers go out: an {@link ApiException} (or an
     * {@link IllegalArgumentException}, 400) refuses the whole request. Returns what stops the topic's sending when
     * the stream closes.
     */
    Subscription open(EventRequest request, EventSink sink);

    /** Stops a topic's sending to one stream; called once, on any thread. */
    interface Subscription {
        Subscription NONE = () -> { };

        void close();
    }
}
