package io.hpcdask.server.api;

import java.util.Map;

/** A connected worker: what it offers, what is in use, and its state (idle, partly used, saturated, draining). */
public record WorkerView(String name, String host, String jobId, String profile, Map<String, Long> resources,
                         Map<String, Long> used, int slots, int slotsUsed, String state, Long endTime) {}
