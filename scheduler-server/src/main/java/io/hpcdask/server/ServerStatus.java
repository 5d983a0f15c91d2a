package io.hpcdask.server;

/**
 * A snapshot for progress lines and {@code --run-once}: connected workers, staged and running runs, runs finished
 * since the server started, and whether nothing staged can start and nothing runs (so waiting changes nothing).
 */
public record ServerStatus(int workers, int staged, int running, long finished, boolean nothingToDo) {}
