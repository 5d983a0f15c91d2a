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
 * @param aheadPerSlot         runs sent ahead to a busy worker per slot ({@link CoreConfig#aheadPerSlot()}; 0: none,
 *                             {@link CoreConfig#AHEAD_ADAPTIVE}: chosen per worker)
 */
public record ServerConfig(Path clusterDir, Map<String, Long> declaredResources, long tickMillis,
                           long reconnectGraceMillis, long restoreGraceMillis, int maxAttempts, int starvationPasses,
                           int aheadPerSlot) {
    public ServerConfig {
        declaredResources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(declaredResources));
    }

    /**
     * Without runs sent ahead: a worker that is sent a run runs it (what the scheduler's own tests of simulated
     * workers assume). A cluster's server sends them ({@code ClusterServer}, {@link CoreConfig#DEFAULT_AHEAD_PER_SLOT}).
     */
    public ServerConfig(Path clusterDir, Map<String, Long> declaredResources, long tickMillis, long reconnectGraceMillis,
                        long restoreGraceMillis, int maxAttempts, int starvationPasses) {
        this(clusterDir, declaredResources, tickMillis, reconnectGraceMillis, restoreGraceMillis, maxAttempts,
                starvationPasses, 0);
    }

    public static ServerConfig defaults(Path clusterDir, Map<String, Long> declaredResources) {
        return new ServerConfig(clusterDir, declaredResources, 1_000, 10_000, 60_000, CoreConfig.DEFAULT_MAX_ATTEMPTS,
                CoreConfig.DEFAULT_STARVATION_PASSES);
    }

    CoreConfig coreConfig() {
        return new CoreConfig(declaredResources, maxAttempts, starvationPasses, reconnectGraceMillis)
                .withAheadPerSlot(aheadPerSlot);
    }
}
