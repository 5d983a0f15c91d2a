package io.hpcdask.server;

import io.hpcdask.server.core.CoreConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a scheduler server runs.
 *
 * @param clusterDir           the cluster's directory: the database ({@value SchedulerServer#DATABASE}) and run logs
 *                             ({@value SchedulerServer#RUN_LOGS}/ID.log) live here
 * @param declaredResources    cluster resources from the configuration, e.g. {@code foo=7}
 * @param tickMillis           how often time-based rules are checked
 * @param reconnectGraceMillis how long a disconnected worker's runs wait for it to re-register
 * @param restoreGraceMillis   after a restart, how long runs that were running wait for their worker
 * @param maxAttempts          starts of a run before a lost worker makes it {@code lost}
 * @param starvationPasses     later runs that may start before a waiting run reserves a worker
 */
public record ServerConfig(Path clusterDir, Map<String, Long> declaredResources, long tickMillis,
                           long reconnectGraceMillis, long restoreGraceMillis, int maxAttempts, int starvationPasses) {
    public ServerConfig {
        declaredResources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(declaredResources));
    }

    public static ServerConfig defaults(Path clusterDir, Map<String, Long> declaredResources) {
        return new ServerConfig(clusterDir, declaredResources, 1_000, 10_000, 60_000, CoreConfig.DEFAULT_MAX_ATTEMPTS,
                CoreConfig.DEFAULT_STARVATION_PASSES);
    }

    CoreConfig coreConfig() {
        return new CoreConfig(declaredResources, maxAttempts, starvationPasses, reconnectGraceMillis);
    }
}
