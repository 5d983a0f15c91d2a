package io.hpcdask.launcher.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.ssh.SshConfigResolver;
import io.hpcdask.launcher.ssh.SshSettings;
import io.hpcdask.launcher.ssh.SshTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code cluster up} decided for a cluster on a batch system, recorded in the cluster directory as
 * {@code cluster.json}: the system, how to reach it, whether arrays are allowed, and every profile's settings as
 * raw values. The server process scales from it; {@code print job-script} and {@code cluster status} show it.
 * {@code clusterId} is unique per {@code cluster up} ({@code NAME-<random>}): files on the cluster side (token, job
 * output, a remote server's state) are keyed by it, so two clients' clusters of the same name never meet.
 */
public record ClusterSpec(String system, Ssh ssh, boolean arrays, int workers, String defaultProfile,
                         Map<String, Map<String, List<String>>> profiles, String clusterId) {
    public static final String FILE = "cluster.json";

    /** Made at the first use, not by every command that names this class. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** How to reach the login node; {@code target} null means batch commands run on the scheduler's machine. */
    public record Ssh(String target, boolean acceptNew, List<String> identities, String knownHosts, String sshConfig,
                      List<String> batchPath) {
        /** The connection settings, with ~/.ssh/config applied; null without a target. */
        public SshSettings settings() {
            if (target == null) {
                return null;
            }
            return new SshConfigResolver(Path.of(System.getProperty("user.home")), sshConfig == null ? null : Path.of(sshConfig))
                    .resolve(SshTarget.parse(target), identities.stream().map(Path::of).toList(),
                            knownHosts == null ? null : Path.of(knownHosts), acceptNew)
                    .withPathPrefix(batchPath);
        }
    }

    public static ClusterSpec of(String system, Ssh ssh, boolean arrays, int workers, Map<String, Settings> profiles,
                                 String clusterId) {
        Map<String, Map<String, List<String>>> raw = new LinkedHashMap<>();
        profiles.forEach((name, s) -> raw.put(name, s.raw()));
        return new ClusterSpec(system, ssh, arrays, workers, profiles.keySet().iterator().next(), raw, clusterId);
    }

    /** A fresh id for a cluster of this name: the name (for people) and 8 random hex digits (for uniqueness). */
    public static String newClusterId(String name) {
        return name + "-" + java.util.HexFormat.of().formatHex(randomBytes(4));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }

    /** The same cluster as its server on the login node sees it: batch commands run there, so no SSH target. */
    public ClusterSpec onLoginNode() {
        Ssh local = new Ssh(null, false, List.of(), null, null, ssh == null ? List.of() : ssh.batchPath());
        return new ClusterSpec(system, local, arrays, workers, defaultProfile, profiles, clusterId);
    }

    /** Where the server serves /metrics without the token ({@code metrics-address} of the first profile), or null. */
    public String metricsAddress() {
        List<String> v = profiles.getOrDefault(defaultProfile, Map.of()).get(io.hpcdask.launcher.config.ConfigKeys.METRICS_ADDRESS.name());
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The id of the cluster, for specs written before ids existed: its directory's name. */
    public String idOr(String fallback) {
        return clusterId == null ? fallback : clusterId;
    }

    public Map<String, Settings> settings(Path file) {
        Map<String, Settings> out = new LinkedHashMap<>();
        profiles.forEach((name, raw) -> out.put(name, Settings.recorded(raw, name, file.toString())));
        return out;
    }

    public void write(Path file) throws IOException {
        io.hpcdask.server.files.PrivateFiles.writeAtomically(file, Json.MAPPER.writeValueAsBytes(this));
    }

    public static ClusterSpec read(Path file) throws IOException {
        return Json.MAPPER.readValue(file.toFile(), ClusterSpec.class);
    }
}
