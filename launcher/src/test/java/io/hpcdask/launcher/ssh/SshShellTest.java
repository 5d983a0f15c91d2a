package io.hpcdask.launcher.ssh;

import io.hpcdask.launcher.shell.ShellQuote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.launcher.testenv.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the real loopback sshd of the test environment. */
class SshShellTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void needsSshd() {
        TestEnv.requireSsh();
    }

    @Test
    void keyAuthRunsCommandsInALoginShellWithStdinOutputAndExitStatus() throws Exception {
        try (SshShell shell = SshShell.connect(SshFixture.trusted(tmp))) {
            CommandResult r = shell.run(RemoteCommand.once("cat; echo oops >&2; exit 3")
                    .withStdin("hello 'quoted' world".getBytes(StandardCharsets.UTF_8)));
            assertThat(r.exitStatus()).isEqualTo(3);
            assertThat(r.stdout()).isEqualTo("hello 'quoted' world");
            assertThat(r.stderr()).isEqualTo("oops\n");
            assertThat(shell.run("shopt -q login_shell && echo login").stdout()).isEqualTo("login\n");
            assertThat(shell.run("printf %s " + ShellQuote.quote("a b; $(echo no) 'c'")).stdout())
                    .isEqualTo("a b; $(echo no) 'c'");
            assertThatThrownBy(() -> r.orThrow()).isInstanceOf(RemoteCommandException.class)
                    .hasMessageContaining("exited with status 3").hasMessageContaining("oops");
            assertThat(shell.connectCount()).isEqualTo(1);
        }
    }

    @Test
    void commandsSharingTheLongLivedShellCannotAffectEachOther() throws Exception {
        try (SshShell shell = SshShell.connect(SshFixture.trusted(tmp))) {
            String home = shell.run("pwd").stdout();
            assertThat(shell.run(RemoteCommand.once("cd /tmp; export LEAK=1; exit 7")).exitStatus()).isEqualTo(7);
            assertThat(shell.run("pwd; echo \"leak=$LEAK\"").stdout()).isEqualTo(home + "leak=\n");
            assertThat(shell.run("cat").stdout()).as("no stdin given reads as empty").isEmpty();
            byte[] binary = new byte[256 * 1024];
            new java.util.Random(7).nextBytes(binary);
            CommandResult sum = shell.run(RemoteCommand.query("sha256sum").withStdin(binary));
            assertThat(sum.stdout()).startsWith(java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(binary)));
            assertThat(shell.run("head -c 3000000 /dev/zero | tr '\\0' x").stdout()).hasSize(3_000_000);
            assertThat(shell.run("kill -9 $BASHPID").exitStatus()).isEqualTo(137);
            assertThat(shell.run("echo fine").stdout()).isEqualTo("fine\n");
            assertThat(shell.connectCount()).isEqualTo(1);
        }
    }

    @Test
    void warmingUpOpensTheLoginShellBeforeAnyCommandAndCommandsThenRunInIt() throws Exception {
        try (SshShell shell = SshShell.connect(SshFixture.trusted(tmp))) {
            shell.warmUp().get(60, TimeUnit.SECONDS);
            assertThat(shell.maxOpenChannelsObserved()).as("the login shell's channel, open before any command").isEqualTo(1);
            // $$ in the pipe's subshells is the long-lived shell's own pid.
            String pid = shell.run("echo $$").stdout();
            assertThat(shell.run(RemoteCommand.once("shopt -q login_shell && echo $$")).stdout()).isEqualTo(pid);
            assertThat(shell.maxOpenChannelsObserved()).isEqualTo(1);
            assertThat(shell.connectCount()).isEqualTo(1);
        }
    }

    @Test
    void aCommandIssuedWhileTheShellWarmsUpWaitsForItInsteadOfStartingAnother() throws Exception {
        try (SshShell shell = SshShell.connect(SshFixture.trusted(tmp))) {
            CompletableFuture<Void> warm = shell.warmUp();
            CommandResult r = shell.run(RemoteCommand.once("cat").withStdin("first".getBytes(StandardCharsets.UTF_8)));
            warm.get(60, TimeUnit.SECONDS);
            assertThat(r.stdout()).isEqualTo("first");
            assertThat(shell.maxOpenChannelsObserved()).as("one login shell for both").isEqualTo(1);
        }
    }

    @Test
    void withASingleChannelWarmingUpOpensNothingAndCommandsStillRun() throws Exception {
        try (SshShell shell = SshShell.connect(SshFixture.trusted(tmp).withMaxChannels(1))) {
            shell.warmUp().get(60, TimeUnit.SECONDS);
            assertThat(shell.maxOpenChannelsObserved()).isZero();
            assertThat(shell.run("echo one").stdout()).isEqualTo("one\n");
        }
    }

    @Test
    void unknownHostKeyIsRefusedWithFingerprintAndKeyscanLine() throws Exception {
        Path knownHosts = tmp.resolve("empty_known_hosts");
        int port = TestEnv.sshPort();
        String expectedFp = HostKeys.fingerprint(SshFixture.hostKeyBlob());
        assertThatThrownBy(() -> SshShell.connect(SshFixture.settings(knownHosts, port)))
                .isInstanceOfSatisfying(HostKeyException.class, e -> {
                    assertThat(e.changed()).isFalse();
                    assertThat(e.fingerprint()).isEqualTo(expectedFp);
                })
                .hasMessageContaining(expectedFp)
                .hasMessageContaining("ssh-keyscan -p " + port + " -t ed25519 127.0.0.1 >> " + knownHosts);
        assertThat(knownHosts).doesNotExist();
    }

    @Test
    void acceptNewAddsTheUnknownKeyAndLaterConnectionsCheckIt() throws Exception {
        Path knownHosts = tmp.resolve("kh");
        int port = TestEnv.sshPort();
        try (SshShell shell = SshShell.connect(SshFixture.settings(knownHosts, port).withAcceptNewHostKeys(true))) {
            assertThat(shell.run("echo hi").stdout()).isEqualTo("hi\n");
        }
        assertThat(Files.readString(knownHosts)).startsWith("[127.0.0.1]:" + port + " ssh-ed25519 "
                + Base64.getEncoder().encodeToString(SshFixture.hostKeyBlob()));
        try (SshShell shell = SshShell.connect(SshFixture.settings(knownHosts, port))) {
            assertThat(shell.run("echo again").ok()).isTrue();
        }
    }

    @Test
    void aChangedHostKeyIsRefusedEvenWithAcceptNew() throws Exception {
        Path otherKey = tmp.resolve("other");
        assertThat(new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey.toString())
                .inheritIO().start().waitFor()).isZero();
        String otherBlob = Files.readString(Path.of(otherKey + ".pub")).split("\\s+")[1];
        int port = TestEnv.sshPort();
        Path knownHosts = tmp.resolve("kh");
        Files.writeString(knownHosts, "[127.0.0.1]:" + port + " ssh-ed25519 " + otherBlob + "\n");
        assertThatThrownBy(() -> SshShell.connect(SshFixture.settings(knownHosts, port).withAcceptNewHostKeys(true)))
                .isInstanceOfSatisfying(HostKeyException.class, e -> assertThat(e.changed()).isTrue())
                .hasMessageContaining("CHANGED")
                .hasMessageContaining(HostKeys.fingerprint(SshFixture.hostKeyBlob()));
        assertThat(Files.readString(knownHosts)).doesNotContain(Base64.getEncoder().encodeToString(SshFixture.hostKeyBlob()));
    }

    @Test
    void aWrongKeyFailsAuthenticationWithAHint() throws Exception {
        Path otherKey = tmp.resolve("stranger");
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", otherKey.toString()).inheritIO().start().waitFor();
        SshSettings s = SshFixture.trusted(tmp).withIdentities(List.of(otherKey), null);
        assertThatThrownBy(() -> SshShell.connect(s)).isInstanceOfSatisfying(SshConnectException.class,
                e -> assertThat(e.authentication()).isTrue()).hasMessageContaining("authentication failed");
    }

    @Test
    void keysFromAnSshAgentAreUsed() throws Exception {
        Path sock = tmp.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("agent.log").toFile()).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(sock); i++) {
                Thread.sleep(50);
            }
            ProcessBuilder add = new ProcessBuilder("ssh-add", TestEnv.sshKey().toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", sock.toString());
            assertThat(add.start().waitFor()).isZero();
            SshSettings s = SshFixture.trusted(tmp).withIdentities(List.of(), sock);
            try (SshShell shell = SshShell.connect(s)) {
                assertThat(shell.run("echo via-agent").stdout()).isEqualTo("via-agent\n");
            }
        } finally {
            agent.destroy();
        }
    }

    @Test
    void proxyJumpTunnelsThroughAJumpHost() throws Exception {
        int port = TestEnv.sshPort();
        SshSettings s = SshFixture.trusted(tmp).withProxyJump(TestEnv.sshUser() + "@127.0.0.1:" + port);
        try (SshShell shell = SshShell.connect(s)) {
            // Through the tunnel the target sees the connection coming from the jump host's loopback.
            assertThat(shell.run("echo $SSH_CONNECTION").stdout()).startsWith("127.0.0.1 ");
            assertThat(shell.run("echo tunnelled").stdout()).isEqualTo("tunnelled\n");
        }
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsAbandoned() throws Exception {
        try (SshShell shell = SshShell.connect(SshFixture.trusted(tmp))) {
            assertThatThrownBy(() -> shell.run(RemoteCommand.query("sleep 20").withTimeout(Duration.ofSeconds(1))))
                    .isInstanceOf(CommandTimeoutException.class).hasMessageContaining("sleep 20");
            assertThat(shell.run("echo still-usable").stdout()).isEqualTo("still-usable\n");
        }
    }

    @Test
    void aHostAliasFromSshConfigIsResolved() throws Exception {
        Path knownHosts = SshFixture.knownHostsTrusting(tmp, TestEnv.sshPort());
        Path config = tmp.resolve("config");
        Files.writeString(config, "Host cluster-login\n  HostName 127.0.0.1\n  Port " + TestEnv.sshPort()
                + "\n  User " + TestEnv.sshUser() + "\n  IdentityFile " + TestEnv.sshKey()
                + "\n  UserKnownHostsFile " + knownHosts + "\n  ServerAliveInterval 7\n  ConnectTimeout 9\n"
                + "\nHost behind-jump\n  HostName 127.0.0.1\n  Port " + TestEnv.sshPort() + "\n  ProxyJump cluster-login\n"
                + "  StrictHostKeyChecking accept-new\n"
                + "\nHost *\n  User " + TestEnv.sshUser() + "\n  IdentityFile " + TestEnv.sshKey()
                + "\n  UserKnownHostsFile " + knownHosts + "\n");
        SshSettings s = new SshConfigResolver(tmp, config).resolve(SshTarget.parse("cluster-login"), List.of(), null, false);
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(TestEnv.sshPort());
        assertThat(s.user()).isEqualTo(TestEnv.sshUser());
        assertThat(s.identityFiles()).containsExactly(TestEnv.sshKey());
        assertThat(s.knownHosts()).isEqualTo(knownHosts);
        assertThat(s.serverAliveInterval()).isEqualTo(Duration.ofSeconds(7));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(9));
        try (SshShell shell = SshShell.connect(s)) {
            assertThat(shell.run("whoami").stdout().strip()).isEqualTo(TestEnv.sshUser());
        }
        SshSettings viaJump = new SshConfigResolver(tmp, config).resolve(SshTarget.parse("behind-jump"), List.of(), null, false);
        assertThat(viaJump.proxyJump()).isEqualTo(TestEnv.sshUser() + "@127.0.0.1:" + TestEnv.sshPort());
        assertThat(viaJump.acceptNewHostKeys()).isTrue();
        try (SshShell shell = SshShell.connect(viaJump)) {
            assertThat(shell.run("echo through-alias-jump").stdout()).isEqualTo("through-alias-jump\n");
        }
    }
}
