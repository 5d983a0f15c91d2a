package io.hpcdask.server.api;

import java.util.List;

/** Ids of the staged runs, in order, and warnings such as invalid {@code dask:} specs that were dropped. */
public record StageResult(List<String> ids, List<String> warnings) {}
