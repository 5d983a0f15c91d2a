package io.hpcdask.launcher.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cluster.ClusterSpec;
import io.hpcdask.launcher.ssh.SshFixture;
import io.hpcdask.launcher.ssh.SshShell;
import io.hpcdask.launcher.testenv.TestEnv;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reaching the login node a cluster's server runs on, through the real loopback sshd. */
class LoginNodeTest {
    @TempDir
    Path dir;

    private ClusterSpec.Ssh reach() throws Exception {
        int port = TestEnv.sshPort();
        Path knownHosts = SshFixture.knownHostsTrusting(dir, port);
        return new ClusterSpec.Ssh(TestEnv.sshUser() + "@127.0.0.1:" + port, false, List.of(TestEnv.sshKey().toString()),
                knownHosts.toString(), null, List.of());
    }

    @Test
    void theRecordedHostIsReachedDirectlyWhenTheNameLandsThere() throws Exception {
        ClusterSpec.Ssh reach = reach();
        String host;
        try (SshShell first = LoginNode.reach(reach, null)) {
            host = LoginNode.hostName(first);
        }
        try (SshShell again = LoginNode.reach(reach, host)) {
            assertThat(LoginNode.hostName(again)).isEqualTo(host);
            assertThat(again.where()).isEqualTo(TestEnv.sshUser() + "@127.0.0.1:" + TestEnv.sshPort());
        }
    }

    /**
     * A round-robin name that lands on another node: the recorded host differs from where the name led, so the exact
     * host is dialled through the name as a jump host. Here the "exact host" is the loopback address itself, which
     * the jump host reaches, so the path through the jump is proven end to end.
     */
    @Test
    void aNameThatLandsElsewhereIsUsedAsAJumpHostToTheRecordedOne() throws Exception {
        try (SshShell shell = LoginNode.reach(reach(), "127.0.0.1")) {
            assertThat(shell.where()).isEqualTo(TestEnv.sshUser() + "@127.0.0.1:" + TestEnv.sshPort());
            assertThat(shell.run("echo reached").stdout()).isEqualTo("reached\n");
            assertThat(shell.run("echo $SSH_CONNECTION").stdout()).startsWith("127.0.0.1 ");
        }
    }
}
