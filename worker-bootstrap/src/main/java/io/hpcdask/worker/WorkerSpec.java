package io.hpcdask.worker;

import io.hpcdask.protocol.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything this worker is, resolved once at start: what it offers, who it is, and when it must end. */
record WorkerSpec(String schedulerHost, int schedulerPort, String token, String name, String host, String jobId,
                  Map<String, Long> resources, int slots, List<String> gpuIds, long startMillis, long endTimeMillis,
                  long drainAtMillis, long deathTimeoutMillis, Path workDirectory, long leaseMillis,
                  SpawnWay spawnWay) {

    static WorkerSpec resolve(WorkerOptions o, Map<String, String> env, Path driverGpus, long nowMillis)
            throws UsageException {
        int cores = o.cores() > 0 ? o.cores() : NodeFacts.cores(env);
        long memory = o.memory() != null ? o.memory().bytes() : NodeFacts.memoryBytes(env);
        Map<String, Long> resources = new LinkedHashMap<>();
        resources.put("cores", (long) cores);
        resources.put("memory", memory);
        resources.putAll(o.resources().amounts());
        List<String> gpuIds = GpuDetector.ids(env, driverGpus, o.resources().amounts().get("gpu"));
        if (!gpuIds.isEmpty() || resources.containsKey("gpu")) {
            resources.put("gpu", (long) gpuIds.size());
        }
        String jobId = NodeFacts.jobId(env);
        String name = jobId == null ? o.name() : o.name() + "-" + jobId;
        long end = o.lifetime() == null ? 0 : nowMillis + o.lifetime().seconds() * 1000;
        long grace = o.lifetimeGraceSeconds() * 1000;
        long drainAt = end == 0 ? 0 : Math.max(nowMillis, end - grace - stagger(NodeFacts.arrayIndex(env), grace));
        Path workDir = o.localDirectory() != null ? o.localDirectory().toAbsolutePath() : Path.of("").toAbsolutePath();
        HostPort scheduler = o.schedulerAddress();
        return new WorkerSpec(scheduler.host(), scheduler.port(), readToken(o.tokenFile()), name, NodeFacts.host(env),
                jobId, Collections.unmodifiableMap(resources), o.slots() > 0 ? o.slots() : cores, gpuIds, nowMillis, end, drainAt,
                o.deathTimeoutSeconds() * 1000, workDir, o.leaseSeconds() * 1000,
                SpawnWay.of(env.get(SpawnWay.ENV)));
    }

    /**
     * The tasks of one job array start together and would all retire together, taking a whole pool away at once:
     * task i drains (i mod 8) sixteenths of the grace period earlier.
     */
    static long stagger(int arrayIndex, long graceMillis) {
        return arrayIndex < 0 ? 0 : (arrayIndex % 8) * graceMillis / 16;
    }

    /** The token only ever comes from its file; the file's content is never echoed. */
    static String readToken(Path file) throws UsageException {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UsageException("--token-file: cannot read '" + file + "' (" + e.getClass().getSimpleName()
                    + "); expected a readable file holding the cluster token");
        }
        if (token.isEmpty()) {
            throw new UsageException("--token-file: '" + file + "' is empty; expected a file holding the cluster token");
        }
        return token;
    }

    Message.Hello hello(Map<String, Integer> held) {
        return new Message.Hello(Message.VERSION, name, host, jobId, resources, slots, gpuIds, endTimeMillis,
                List.copyOf(held.keySet()), Map.copyOf(held), leaseMillis);
    }

    /** The key material of the link's handshake; the token itself is never sent. */
    byte[] tokenBytes() {
        return token.getBytes(StandardCharsets.UTF_8);
    }

    String scheduler() {
        return schedulerHost + ":" + schedulerPort;
    }

    @Override
    public String toString() { // never print the token
        return "worker " + name + " on " + host + (jobId == null ? "" : " (job " + jobId + ")") + " offering "
                + resources + ", " + slots + " slot(s)" + (gpuIds.isEmpty() ? "" : ", GPUs " + gpuIds);
    }
}
