package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.cluster.ClusterSpec;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.ssh.SshSettings;
import io.hpcdask.launcher.ssh.SshTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The SSH options every command that reaches a cluster takes; use with {@code @Mixin}. */
public final class SshOptions {
    @Option(names = "--ssh", paramLabel = "TARGET",
            description = "The login node: [user@]host[:port] or a Host alias from ~/.ssh/config. Without it, commands run on this machine.")
    String ssh;

    @Option(names = "--ssh-accept-new",
            description = "Add an unknown host key to known_hosts instead of refusing. A changed key is always refused.")
    boolean acceptNew;

    @Option(names = "--known-hosts", paramLabel = "FILE", defaultValue = "${env:HPC_DASK_KNOWN_HOSTS}",
            description = "known_hosts file to check host keys against (default: $HPC_DASK_KNOWN_HOSTS, else"
                    + " UserKnownHostsFile from ~/.ssh/config, else ~/.ssh/known_hosts).")
    Path knownHosts;

    @Option(names = {"-i", "--identity"}, paramLabel = "FILE",
            description = "Private key file (repeatable; replaces IdentityFile from ~/.ssh/config; default:"
                    + " $HPC_DASK_SSH_IDENTITY, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa). Keys in the ssh-agent"
                    + " at $SSH_AUTH_SOCK are offered too.")
    List<Path> identities = new ArrayList<>();

    @Option(names = "--ssh-config", paramLabel = "FILE", description = "ssh config to read instead of ~/.ssh/config.")
    Path sshConfig;

    @Option(names = "--batch-path", paramLabel = "DIR",
            description = "Directory put first on the PATH of every batch command (repeatable), for batch systems"
                    + " installed outside the login PATH, e.g. /opt/pbs/bin.")
    List<String> batchPath = new ArrayList<>();

    /** The directories given with --batch-path. */
    public List<String> batchPath() {
        return List.copyOf(batchPath);
    }

    /** The connection settings of --ssh, else of the {@code ssh} config key; null for neither. */
    public SshSettings settings(Settings config) {
        return record(config).settings();
    }

    /** What a batch cluster records of these options, so its server reaches the same login node the same way. */
    public ClusterSpec.Ssh record(Settings config) {
        return record(ssh != null ? ssh : config.string(ConfigKeys.SSH).orElse(null),
                acceptNew || config.value(ConfigKeys.SSH_ACCEPT_NEW, Boolean.class).orElse(false));
    }

    private ClusterSpec.Ssh record(String target, boolean accept) {
        if (target != null) {
            SshTarget.parse(target); // a malformed target is bad input here, not a failure in the server
        }
        List<String> keys = new ArrayList<>();
        identities.forEach(k -> keys.add(k.toAbsolutePath().toString()));
        String envKey = System.getenv("HPC_DASK_SSH_IDENTITY");
        if (keys.isEmpty() && envKey != null && !envKey.isBlank()) {
            keys.add(envKey);
        }
        return new ClusterSpec.Ssh(target, accept, keys, knownHosts == null ? null : knownHosts.toAbsolutePath().toString(),
                sshConfig == null ? null : sshConfig.toAbsolutePath().toString(), List.copyOf(batchPath));
    }

}
