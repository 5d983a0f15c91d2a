package io.hpcdask.server.api;

/** What a cancel ended: how many runs, and their ids as ranges ({@code 3-1002,1005}; empty when none). */
public record CancelResult(long count, String ids) {}
