package io.hpcdask.launcher.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.testenv.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each supported user-key type logs in, against an sshd of the test's own whose authorized_keys holds only the
 * freshly made key. OpenSSH 8.8+ refuses SHA-1 {@code ssh-rsa} signatures, so the RSA login proves rsa-sha2.
 */
class SshKeyTypesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
    void logsInWithKeyType(String type) throws Exception {
        TestEnv.requireSsh();
        Path key = tmp.resolve("id_" + type);
        assertThat(new ProcessBuilder("ssh-keygen", "-q", "-t", type, "-N", "", "-f", key.toString())
                .inheritIO().start().waitFor()).isZero();
        Path authorized = tmp.resolve("authorized_keys");
        Files.copy(Path.of(key + ".pub"), authorized);
        try (OwnSshd sshd = OwnSshd.start(tmp, "AuthorizedKeysFile=" + authorized, "StrictModes=no")) {
            SshSettings s = SshFixture.settings(SshFixture.knownHostsTrusting(tmp, sshd.port), sshd.port)
                    .withIdentities(List.of(key), null);
            try (SshShell shell = SshShell.connect(s)) {
                assertThat(shell.run("echo $SSH_CONNECTION").stdout()).contains(" " + sshd.port);
            }
            // The provisioned key is not in this sshd's authorized_keys: proves the login used the new key.
            SshSettings other = s.withIdentities(List.of(TestEnv.sshKey()), null);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SshShell.connect(other))
                    .isInstanceOf(SshConnectException.class);
        }
    }
}
