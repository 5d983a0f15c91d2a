package io.hpcdask.launcher.ssh;

import io.hpcdask.launcher.testenv.TestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** Settings for the loopback sshd of the test environment, with a known_hosts file of the test's own. */
public final class SshFixture {
    private SshFixture() {
    }

    /** The server's ed25519 host key blob, as the provisioning recorded it. */
    public static byte[] hostKeyBlob() throws IOException {
        String pub = TestEnv.get("HPC_DASK_TEST_SSH_HOST_KEY");
        String line = Files.readString(Path.of(pub == null ? "/etc/ssh/ssh_host_ed25519_key.pub" : pub)).strip();
        return Base64.getDecoder().decode(line.split("\\s+")[1]);
    }

    /** A known_hosts file in {@code dir} that trusts the loopback sshd on {@code port}. */
    public static Path knownHostsTrusting(Path dir, int port) throws IOException {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, HostKeys.knownHostsName("127.0.0.1", port) + " ssh-ed25519 "
                + Base64.getEncoder().encodeToString(hostKeyBlob()) + "\n");
        return file;
    }

    public static SshSettings settings(Path knownHosts, int port) {
        return new SshSettings(TestEnv.sshUser(), "127.0.0.1", port, List.of(TestEnv.sshKey()), null, knownHosts,
                Duration.ofSeconds(5), Duration.ofSeconds(10), null, false, SshSettings.DEFAULT_MAX_CHANNELS, List.of());
    }

    /** Settings for the provisioned loopback sshd, trusted through a known_hosts file in {@code dir}. */
    public static SshSettings trusted(Path dir) throws IOException {
        int port = TestEnv.sshPort();
        return settings(knownHostsTrusting(dir, port), port);
    }
}
