package io.hpcdask.server.api;

import java.util.Map;

/**
 * What a client asked of one topic: {@code value} is what followed {@code name=} in {@code topics=} (empty when
 * nothing did), {@code query} the request's other parameters, {@code lastEventId} its {@code Last-Event-ID} header
 * (null when none: a first connection).
 */
public record EventRequest(String value, Map<String, String> query, String lastEventId) {
}
