package io.hpcdask.launcher.server;

import io.hpcdask.launcher.cluster.AccessInfo;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.ClusterSpec;
import io.hpcdask.launcher.scaling.BatchScaling;
import io.hpcdask.server.ClusterGauges;
import io.hpcdask.server.SchedulerServer;
import io.hpcdask.server.ServerConfig;
import io.hpcdask.server.ServerStatus;
import io.hpcdask.server.api.ApiServer;
import io.hpcdask.server.api.ClusterControl;
import io.hpcdask.server.api.ClusterStatus;
import io.hpcdask.server.api.ScaleRequest;
import io.hpcdask.server.api.ScaleResult;
import io.hpcdask.server.api.ScalingView;
import io.hpcdask.server.metrics.MetricsListener;
import io.hpcdask.server.metrics.ServerMetrics;
import io.hpcdask.server.transport.WorkerTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cluster's server side, wired together: scheduler, worker transport, client API, and its workers: local
 * processes, or batch jobs scaled through {@link BatchScaling}. Started
 * in that order; the access file is written last, so a client that finds it can talk to the cluster.
 */
final class ClusterServer implements ClusterControl {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterServer.class);
    private static final String HOST = "127.0.0.1";
    private static final String HOST_NAME = hostName();

    private final ClusterDir dir;
    private final LocalWorkerSpec spec;
    private final ClusterSpec batch;
    private BatchScaling scaling;
    private LocalScaling localScaling;
    private final LocalWorkers workers;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final long startedAt = System.currentTimeMillis();
    private SchedulerServer scheduler;
    private WorkerTransport transport;
    private ApiServer api;
    private final String metricsAddress;
    private MetricsListener metricsListener;
    private boolean stopping;

    /**
     * @param batch the cluster's batch system and profiles, or null for local workers only
     * @param metricsAddress HOST:PORT of a listener serving /metrics without the token, or null for none
     */
    ClusterServer(ClusterDir dir, LocalWorkerSpec spec, ClusterSpec batch, String metricsAddress) {
        this.dir = dir;
        this.spec = spec;
        this.batch = batch;
        this.metricsAddress = metricsAddress;
        this.workers = new LocalWorkers(dir);
    }

    synchronized void start() throws IOException {
        // token and worker port are the cluster's for its life: workers that outlived a crashed server re-register
        int survivors = workers.adoptLeftovers();
        String token = ClusterIdentity.token(dir);
        byte[] tokenBytes = token.getBytes(StandardCharsets.UTF_8);
        String apiToken = Tokens.newToken(); // the client API's own credential: workers never hold it
        long leaseMillis = spec.leaseSeconds() * 1000;
        ServerConfig defaults = ServerConfig.defaults(dir.path(), spec.resources().amounts());
        scheduler = SchedulerServer.start(new ServerConfig(dir.path(), defaults.declaredResources(), defaults.tickMillis(),
                defaults.reconnectGraceMillis(), Math.max(defaults.restoreGraceMillis(),
                leaseMillis + io.hpcdask.server.core.CoreConfig.DEFAULT_LEASE_MARGIN_MILLIS), defaults.maxAttempts(),
                defaults.starvationPasses(), SendAhead.perSlot(System.getenv(SendAhead.VARIABLE))));
        String configured = batch == null ? null : BatchScaling.configuredAddress(dir, batch);
        // Batch workers dial in from compute nodes: the transport listens on the address they dial, not on every interface.
        String dialHost = batch == null ? null : BatchScaling.dialHost(dir, batch);
        String bindHost = batch == null ? HOST : BatchScaling.bindHost(dialHost);
        int port = configured == null ? ClusterIdentity.port(dir).orElse(0)
                : Integer.parseInt(configured.substring(configured.lastIndexOf(':') + 1));
        long heartbeatMillis = spec.heartbeatSeconds() * 1000;
        try {
            transport = new WorkerTransport(bindHost, port, tokenBytes, heartbeatMillis, scheduler.workerListener()).start();
        } catch (IOException e) {
            if (configured != null || port == 0) {
                throw e;
            }
            LOG.warn("The cluster's worker port {} is taken; listening on a new one (workers of the earlier server"
                    + " cannot find this one)", port);
            transport = new WorkerTransport(bindHost, 0, tokenBytes, heartbeatMillis, scheduler.workerListener()).start();
        }
        ClusterIdentity.savePort(dir, transport.port());
        ServerMetrics metrics = scheduler.metrics();
        metrics.linkBytes(transport::bytesReceived, transport::bytesSent);
        if (batch != null) {
            scaling = BatchScaling.start(dir, batch, scheduler, dialHost, transport.port(), tokenBytes);
        }
        api = new ApiServer(scheduler, this, apiToken.getBytes(StandardCharsets.UTF_8), 0);
        api.serveMetrics(metrics);
        api.start();
        if (metricsAddress != null) {
            metricsListener = listenForMetrics(metricsAddress, metrics);
        }
        if (batch == null) {
            // local workers are scaled like batch jobs: scale N and adapt start and stop their processes
            localScaling = new LocalScaling(workers, spec, HOST + ":" + transport.port(), WorkerJar.locate(dir.libDir()),
                    scheduler);
            if (spec.count() - survivors > 0) {
                localScaling.scale(new ScaleRequest(null, spec.count() - survivors, null));
            }
        }
        metrics.register(new ClusterGauges(scheduler, this::scaling));
        new AccessInfo(dir.name(), HOST, api.port(), transport.port(), apiToken, ProcessHandle.current().pid(), startedAt)
                .write(dir.accessFile());
        LOG.info("Cluster '{}' ready: workers connect to {}:{}, client API on {}:{}", dir.name(), HOST, transport.port(),
                HOST, api.port());
    }

    @Override
    public ClusterStatus status() {
        // the counts the scheduler keeps as runs change: walking every run cost 0.1 s of each call after 2,000 runs
        Map<String, Long> counts = new TreeMap<>(scheduler.dashboard().counts());
        ServerStatus s = scheduler.status();
        return new ClusterStatus(dir.name(), HOST, api.port(), transport.port(), ProcessHandle.current().pid(), startedAt,
                s.workers(), counts, spec.resources().toString(), s.finished(), s.nothingToDo(),
                scaling != null ? scaling.workerAddress() : HOST + ":" + transport.port(), HOST_NAME, scheduler.degraded());
    }

    @Override
    public ScaleResult scale(ScaleRequest request) {
        return scaling != null ? scaling.scale(request) : localScaling != null ? localScaling.scale(request)
                : ClusterControl.super.scale(request);
    }

    @Override
    public ScaleResult adapt(io.hpcdask.server.api.AdaptRequest request) {
        return scaling != null ? scaling.adapt(request) : localScaling != null ? localScaling.adapt(request)
                : ClusterControl.super.adapt(request);
    }

    @Override
    public ScalingView scaling() {
        return scaling != null ? scaling.view() : localScaling != null ? localScaling.view() : ClusterControl.super.scaling();
    }

    @Override
    public String jobScript(String profile) {
        return scaling == null ? ClusterControl.super.jobScript(profile) : scaling.jobScript(profile);
    }

    @Override
    public void shutdown() {
        Thread t = new Thread(this::stop, "cluster-shutdown");
        t.start();
    }

    /**
     * Workers first (the scheduler tells them to kill their runs and exit; local ones that linger get SIGTERM), then
     * the scheduler, which keeps staged runs in the store. Safe to call more than once.
     */
    synchronized void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        LOG.info("Stopping cluster");
        try {
            if (api != null) {
                api.close();
            }
            if (metricsListener != null) {
                metricsListener.close();
            }
            if (scheduler != null) {
                scheduler.shutdown(true);
            }
            workers.stop(15);
            if (localScaling != null) {
                localScaling.cancelAll(5_000); // its processes ended just above: this only settles its books
                localScaling.close();
            }
            if (scaling != null) {
                LOG.info("Cancelling every batch job of the cluster");
                scaling.cancelAll();
                scaling.close();
            }
            if (transport != null) {
                transport.close();
            }
            Files.deleteIfExists(dir.accessFile());
        } catch (Exception e) {
            LOG.warn("Error while stopping cluster '{}'", dir.name(), e);
        } finally {
            stopped.countDown();
        }
    }

    private static MetricsListener listenForMetrics(String address, ServerMetrics metrics) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon).replaceAll("^\\[|\\]$", "");
        try {
            return new MetricsListener(host, Integer.parseInt(address.substring(colon + 1)), metrics).start();
        } catch (java.io.IOException | RuntimeException e) {
            throw new MetricsAddressException(address, e);
        }
    }

    /** The kernel's host name (as `hostname` prints it), which needs no name service to answer. */
    private static String hostName() {
        try {
            return Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "localhost";
        }
    }

    void awaitStopped() throws InterruptedException {
        stopped.await();
    }
}
