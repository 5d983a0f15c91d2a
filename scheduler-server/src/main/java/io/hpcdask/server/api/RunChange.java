package io.hpcdask.server.api;

/** A run's new state, as the {@code runs} event topic tells it; {@code exitCode} set once it has one. */
public record RunChange(String id, String state, Integer exitCode) {
}
