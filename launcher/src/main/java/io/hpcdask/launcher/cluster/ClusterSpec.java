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
 */
public record ClusterSpec(String system, Ssh ssh, boolean arrays, int workers, String defaultProfile,
                         Map<String, Map<String, List<String>>> profiles) {
    public static final String FILE = "cluster.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

    public static ClusterSpec of(String system, Ssh ssh, boolean arrays, int workers, Map<String, Settings> profiles) {
        Map<String, Map<String, List<String>>> raw = new LinkedHashMap<>();
        profiles.forEach((name, s) -> raw.put(name, s.raw()));
        return new ClusterSpec(system, ssh, arrays, workers, profiles.keySet().iterator().next(), raw);
    }

    public Map<String, Settings> settings(Path file) {
        Map<String, Settings> out = new LinkedHashMap<>();
        profiles.forEach((name, raw) -> out.put(name, Settings.recorded(raw, name, file.toString())));
        return out;
    }

    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static ClusterSpec read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ClusterSpec.class);
    }
}
