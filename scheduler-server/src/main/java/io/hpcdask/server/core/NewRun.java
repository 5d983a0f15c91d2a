package io.hpcdask.server.core;

import java.util.Map;

/** A run handed to the core: its id from the store, its requirements, and a payload the core gives back on start. */
public record NewRun(String id, Map<String, Long> requires, Object payload) {}
