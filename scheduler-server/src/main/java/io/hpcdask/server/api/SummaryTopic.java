package io.hpcdask.server.api;

import com.fasterxml.jackson.databind.util.RawValue;

/**
 * The {@code summary} event topic: the dashboard's state from {@link SummaryFeed} as {@code summary} events, a full one
 * first (also after each reconnection), then the changes at most every {@link SummaryFeed#PERIOD_MILLIS}. Each message
 * is serialized once by the feed and written as it is to every stream.
 */
final class SummaryTopic implements EventTopic {
    private final SummaryFeed feed;

    SummaryTopic(SummaryFeed feed) {
        this.feed = feed;
    }

    @Override
    public String name() {
        return "summary";
    }

    @Override
    public Subscription open(EventRequest request, EventSink sink) {
        if (!request.value().isEmpty()) {
            throw new IllegalArgumentException("topics: summary takes no value, got summary=" + request.value()
                    + "; expected topics=summary");
        }
        Runnable stop = feed.subscribe(text -> {
            if (!sink.send("summary", new RawValue(text))) {
                throw new IllegalStateException("the stream is closed"); // the feed drops this subscriber
            }
        });
        return stop::run;
    }
}
