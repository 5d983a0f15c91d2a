package io.hpcdask.launcher.scaling;

import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.ClusterSpec;
import io.hpcdask.launcher.batch.BatchSystem;
import io.hpcdask.launcher.batch.BatchSystems;
import io.hpcdask.launcher.config.Source;
import io.hpcdask.protocol.WorkerAddresses;
import java.util.LinkedHashMap;
import java.util.Optional;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.script.WorkerEndpoint;
import io.hpcdask.launcher.ssh.LocalShell;
import io.hpcdask.launcher.ssh.RemoteSecrets;
import io.hpcdask.launcher.ssh.RemoteShell;
import io.hpcdask.launcher.ssh.SshSettings;
import io.hpcdask.launcher.ssh.SshShell;
import io.hpcdask.launcher.ssh.WorkerJarUploader;
import io.hpcdask.launcher.ssh.WorkerRuntimeArchive;
import io.hpcdask.server.SchedulerServer;
import io.hpcdask.server.api.ApiException;
import io.hpcdask.server.api.AdaptRequest;
import io.hpcdask.server.api.ScaleRequest;
import io.hpcdask.server.api.ScaleResult;
import io.hpcdask.server.api.ScalingView;
import io.hpcdask.server.scaling.AdaptPolicy;
import io.hpcdask.server.scaling.ProfileCapacity;
import io.hpcdask.server.scaling.ProvisionException;
import io.hpcdask.server.scaling.ScalingLoop;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster's workers as batch jobs: the login node reached (over SSH or not), the worker jar and the token staged
 * there, and the scaling loop submitting, polling and cancelling through the batch system.
 */
public final class BatchScaling implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("hpc-dask.scaling");
    static final long POLL_MILLIS = 15_000;
    static final long FAST_POLL_MILLIS = 2_000;
    /** How long cluster down waits for the batch system to stop listing cancelled jobs (the CLI waits 60 s). */
    static final long CANCEL_WAIT_MILLIS = 30_000;

    private final ClusterSpec spec;
    private final BatchProvisioner provisioner;
    private final ScalingLoop loop;

    private final String workerAddress;

    private BatchScaling(ClusterSpec spec, BatchProvisioner provisioner, ScalingLoop loop, String workerAddress) {
        this.spec = spec;
        this.provisioner = provisioner;
        this.loop = loop;
        this.workerAddress = workerAddress;
    }

    /** The HOST:PORT workers of this cluster dial. */
    public String workerAddress() {
        return workerAddress;
    }

    /**
     * Reaches the login node, stages jar and token, picks the address workers dial, starts scaling; submits
     * {@code spec.workers()} at once.
     *
     * @param dialHost   the host workers dial ({@link #dialHost})
     * @param workerPort the port the worker transport listens on
     */
    public static BatchScaling start(ClusterDir dir, ClusterSpec spec, SchedulerServer scheduler, String dialHost, int workerPort,
                              byte[] token) throws IOException {
        RemoteShell shell = open(spec.ssh());
        try {
            // The login shell starts while the jar and token are staged, so the first `scale` does not wait for it.
            shell.warmUp();
            BatchSystem batch = BatchSystems.create(spec.system(), shell, dir.path().resolve("local-jobs"));
            String address = dialHost + ":" + workerPort;
            String id = spec.idOr(dir.name());
            WorkerJarUploader.Uploaded jar = WorkerJarUploader.upload(shell, WorkerJarUploader.bundledJar());
            LOG.info("Worker jar on {}: {}{}", shell.where(), jar.remotePath(), jar.transferred() ? " (uploaded)" : " (already there)");
            String runtime = uploadRuntime(shell);
            String tokenFile = RemoteSecrets.write(shell, "cluster-" + id + ".token", token);
            String jobsDir = jobsDirectory(dir, spec, shell, id);
            Map<String, Settings> profiles = new LinkedHashMap<>();
            spec.settings(dir.path().resolve(ClusterSpec.FILE)).forEach((name, s) -> profiles.put(name, withJobsDirectory(s, jobsDir)));
            WorkerEndpoint endpoint = new WorkerEndpoint(address, jar.remotePath(), tokenFile, runtime);
            BatchProvisioner provisioner = new BatchProvisioner(shell, batch, profiles, endpoint, spec.arrays());
            ScalingLoop loop = new ScalingLoop(provisioner, scheduler.workerControl(), System::currentTimeMillis,
                    POLL_MILLIS, FAST_POLL_MILLIS);
            loop.countIn(scheduler.metrics());
            scheduler.observeWorkers(loop);
            startAdapting(loop, profiles);
            if (spec.workers() > 0) {
                loop.scale(spec.defaultProfile(), spec.workers());
            }
            return new BatchScaling(spec, provisioner, loop, address);
        } catch (IOException | RuntimeException e) {
            shell.close();
            throw e;
        }
    }

    /**
     * Sends the java runtime for workers (worker-java auto or bundled) once per cluster account, by its hash like the
     * jar; null when this hpc-dask has none, and workers then use the nodes' java.
     */
    private static String uploadRuntime(RemoteShell shell) throws IOException {
        Optional<java.nio.file.Path> archive = WorkerRuntimeArchive.locate();
        if (archive.isEmpty()) {
            LOG.warn("This hpc-dask has no java runtime for workers ({}); workers use the nodes' java",
                    WorkerRuntimeArchive.FILE_NAME);
            return null;
        }
        WorkerJarUploader.Uploaded runtime = WorkerJarUploader.upload(shell, archive.get());
        LOG.info("Worker java runtime on {}: {}{}", shell.where(), runtime.remotePath(),
                runtime.transferred() ? " (uploaded)" : " (already there)");
        return runtime.remotePath();
    }

    /**
     * The host workers dial, chosen before the worker transport listens so that it can listen there:
     * {@code scheduler-address} when set; with the server on a machine outside the cluster (--server here over --ssh),
     * this host's address on the route toward the login node; with the server on the login node, the address of
     * {@code interface}, else of the route toward the batch system's controller, else the first non-loopback one.
     * Compute nodes never reach a loopback address, so it is used only when the login node is this very machine.
     */
    public static String dialHost(ClusterDir dir, ClusterSpec spec) throws IOException {
        Settings defaults = defaults(dir, spec);
        Optional<String> configured = defaults.string(ConfigKeys.SCHEDULER_ADDRESS);
        if (configured.isPresent()) {
            LOG.info("Workers dial {} (scheduler-address)", configured.get());
            return configured.get().substring(0, configured.get().lastIndexOf(':'));
        }
        if (spec.ssh() != null && spec.ssh().target() != null) {
            String host = hostTowardLoginNode(spec.ssh().settings());
            LOG.info("Workers dial {} (this host's address toward the login node {})", host, spec.ssh().target());
            return host;
        }
        String toward = null;
        try (RemoteShell shell = open(spec.ssh())) {
            BatchSystem batch = BatchSystems.create(spec.system(), shell, dir.path().resolve("local-jobs"));
            toward = batch.controllerHost().orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("Could not ask {} for its controller's host ({}); choosing the address without it", spec.system(),
                    e.getMessage());
        }
        WorkerAddresses.Choice choice = WorkerAddresses.choose(defaults.string(ConfigKeys.INTERFACE).orElse(null), toward);
        String host = choice.host().contains(":") ? "[" + choice.host() + "]" : choice.host();
        LOG.info("Workers dial {} ({})", host, choice.why());
        return host;
    }

    /**
     * The address the worker transport binds: the host workers dial, never every interface. Only when that host is
     * not an address of this machine (a {@code scheduler-address} behind NAT or a forward) does it listen on every
     * interface, and it says so. The link is authenticated and encrypted either way.
     */
    public static String bindHost(String dialHost) {
        String bare = dialHost.startsWith("[") && dialHost.endsWith("]") ? dialHost.substring(1, dialHost.length() - 1) : dialHost;
        if (isThisMachine(bare)) {
            return bare;
        }
        LOG.warn("Workers dial {}, which is not an address of this machine; listening for them on every interface", dialHost);
        return "0.0.0.0";
    }

    private static boolean isThisMachine(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** This host's address on the route toward the login node; no packet is sent, the kernel only picks a route. */
    private static String hostTowardLoginNode(SshSettings ssh) throws IOException {
        InetAddress remote = InetAddress.getByName(ssh.host());
        if (remote.isLoopbackAddress()) {
            return "127.0.0.1";
        }
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(remote, ssh.port()));
            return probe.getLocalAddress().getHostAddress();
        }
    }

    /**
     * Where worker jobs write their stdout and stderr when {@code log-directory} is unset: the cluster's own
     * {@code jobs/} directory on the cluster side, so nothing piles up in the home directory.
     */
    private static String jobsDirectory(ClusterDir dir, ClusterSpec spec, RemoteShell shell, String id) throws IOException {
        String jobs = spec.ssh() != null && spec.ssh().target() != null
                ? shell.homeDir() + "/.hpc-dask/clusters/" + id + "/jobs"
                : dir.path().resolve("jobs").toString();
        shell.mkdirs(jobs, 0700);
        return jobs;
    }

    private static Settings withJobsDirectory(Settings s, String jobsDir) {
        if (s.isExplicit(ConfigKeys.LOG_DIRECTORY) || s.string(ConfigKeys.LOG_DIRECTORY).isPresent()) {
            return s;
        }
        try {
            return s.with(ConfigKeys.LOG_DIRECTORY, jobsDir, new Source(ConfigKeys.LOG_DIRECTORY.name(), "the cluster's jobs directory"));
        } catch (RuntimeException e) {
            LOG.warn("Job output stays in the batch system's default place: {} cannot be a log-directory ({})", jobsDir,
                    e.getMessage());
            return s;
        }
    }

    static Settings defaults(ClusterDir dir, ClusterSpec spec) {
        return spec.settings(dir.path().resolve(ClusterSpec.FILE)).get(spec.defaultProfile());
    }

    public static String configuredAddress(ClusterDir dir, ClusterSpec spec) {
        // the worker transport listens on the configured port, so the address given to workers is true
        return defaults(dir, spec).string(ConfigKeys.SCHEDULER_ADDRESS).orElse(null);
    }

    public ScaleResult scale(ScaleRequest request) {
        String profile = request.profile() == null ? spec.defaultProfile() : request.profile();
        if (!spec.profiles().containsKey(profile)) {
            throw new ApiException(400, "--profile: this cluster has no profile '" + profile + "'; its profiles: "
                    + String.join(", ", spec.profiles().keySet()));
        }
        if (request.workers() < 0) {
            throw new ApiException(400, "workers: '" + request.workers() + "' is negative; expected a whole number >= 0");
        }
        if (request.arrays() != null) {
            provisioner.arrays(request.arrays());
        }
        return await(profile, loop.scale(profile, request.workers()));
    }

    /** Tells scaling what each profile's worker offers, and starts the profiles whose config has {@code adapt}. */
    static void startAdapting(ScalingLoop loop, Map<String, Settings> profiles) {
        List<ProfileCapacity> capacities = new java.util.ArrayList<>();
        profiles.forEach((name, s) -> capacities.add(ProfileAdapt.capacity(name, s)));
        loop.profiles(capacities);
        profiles.forEach((name, s) -> ProfileAdapt.policy(name, s).ifPresent(p -> loop.adapt(name, p)));
    }

    public ScaleResult adapt(AdaptRequest request) {
        return adapt(loop, spec.profiles().keySet(), spec.defaultProfile(), request);
    }

    /** {@code adapt} on any cluster that scales through a {@link ScalingLoop}: checks the request, waits like scale. */
    public static ScaleResult adapt(ScalingLoop loop, java.util.Collection<String> profiles, String defaultProfile,
                                    AdaptRequest request) {
        String profile = request.profile() == null ? defaultProfile : request.profile();
        if (!profiles.contains(profile)) {
            throw new ApiException(400, "--profile: this cluster has no profile '" + profile + "'; its profiles: "
                    + String.join(", ", profiles));
        }
        AdaptPolicy policy;
        try {
            policy = request.off() ? null : new AdaptPolicy(request.min(), request.max(),
                    request.idleTimeoutMillis() == null ? AdaptPolicy.DEFAULT_IDLE_TIMEOUT_MILLIS : request.idleTimeoutMillis(),
                    request.maxPending() == null ? AdaptPolicy.NO_PENDING_LIMIT : request.maxPending());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        return await(profile, loop.adapt(profile, policy));
    }

    /** Waits for the first submission a change caused, as {@code scale} and {@code adapt} answer it. */
    public static ScaleResult await(String profile, java.util.concurrent.CompletableFuture<ScalingLoop.ScaleOutcome> outcome) {
        try {
            ScalingLoop.ScaleOutcome o = outcome.get(5, TimeUnit.MINUTES);
            return new ScaleResult(profile, o.submitted(), o.error());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while scaling");
        } catch (ExecutionException | TimeoutException e) {
            throw new ApiException(500, "scaling did not answer: " + e);
        }
    }

    public ScalingView view() {
        return view(spec.system(), loop);
    }

    /** Every pool and job of a scaling loop, as {@code cluster status} and {@code scale --wait} read them. */
    public static ScalingView view(String system, ScalingLoop loop) {
        try {
            return new ScalingView(system, loop.pools().get(30, TimeUnit.SECONDS), loop.jobs().get(30, TimeUnit.SECONDS),
                    System.currentTimeMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new ApiException(500, "scaling did not answer: " + e);
        }
    }

    public String jobScript(String profile) {
        try {
            return provisioner.script(profile == null ? spec.defaultProfile() : profile);
        } catch (ProvisionException e) {
            throw new ApiException(400, "--profile: " + e.getMessage());
        }
    }

    /** Cancels every job of the cluster, pending ones included, and waits until the batch system lists none. */
    public List<String> cancelAll() throws InterruptedException {
        List<String> left = loop.cancelAll(CANCEL_WAIT_MILLIS);
        if (left.isEmpty()) {
            LOG.info("Every batch job of the cluster is gone");
        } else {
            LOG.warn("Batch jobs still listed after cancelling: {}", left);
        }
        return left;
    }

    @Override
    public void close() {
        loop.close();
    }

    private static RemoteShell open(ClusterSpec.Ssh ssh) {
        if (ssh == null || ssh.target() == null) {
            return new LocalShell(ssh == null ? List.of() : ssh.batchPath());
        }
        return SshShell.connect(ssh.settings());
    }
}
