package io.hpcdask.launcher.cluster;

import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Resources;

/** What each local worker offers; null fields are left to the worker's own defaults. */
public record LocalWorkerSpec(int count, Integer cores, Memory memory, Resources resources, Integer slots,
                              long deathTimeoutSeconds) {}
