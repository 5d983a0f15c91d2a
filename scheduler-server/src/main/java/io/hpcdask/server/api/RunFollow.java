package io.hpcdask.server.api;

/** A run and a piece of its log; the run was read before the log, so a run shown ended has all its output in the file. */
public record RunFollow(RunView run, RunLogChunk chunk) {}
