package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import java.util.Map;

/** A run handed to the core: its id from the store, its requirements, and a payload the core gives back on start. */
public record NewRun<P>(RunId id, Map<String, Long> requires, P payload) {}
