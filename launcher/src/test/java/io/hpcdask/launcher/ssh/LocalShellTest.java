package io.hpcdask.launcher.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands on this machine: one login shell each, or, once warmed up, one long-lived login shell for all. */
class LocalShellTest {
    @TempDir
    Path tmp;

    @Test
    void withoutWarmUpEveryCommandHasALoginShellOfItsOwn() {
        try (LocalShell shell = new LocalShell()) {
            String first = shell.run("echo $$").stdout();
            assertThat(shell.run("echo $$").stdout()).isNotEqualTo(first);
            assertThat(shell.run("shopt -q login_shell && echo login").stdout()).isEqualTo("login\n");
        }
    }

    @Test
    void afterWarmUpCommandsRunInOneLoginShell() throws Exception {
        try (LocalShell shell = new LocalShell()) {
            shell.warmUp().get(60, TimeUnit.SECONDS);
            // $$ in the long-lived shell's subshells is that shell's own pid.
            String pid = shell.run("echo $$").stdout();
            assertThat(shell.run(RemoteCommand.once("shopt -q login_shell && echo $$")).stdout()).isEqualTo(pid);
            assertThat(ProcessHandle.of(Long.parseLong(pid.strip()))).isPresent();
        }
    }

    @Test
    void theLongLivedShellGivesStdinOutputAndExitStatusAndCommandsCannotAffectEachOther() throws Exception {
        try (LocalShell shell = new LocalShell()) {
            shell.warmUp().get(60, TimeUnit.SECONDS);
            CommandResult r = shell.run(RemoteCommand.once("cat; echo oops >&2; exit 3")
                    .withStdin("hello 'quoted' world".getBytes(StandardCharsets.UTF_8)));
            assertThat(r.exitStatus()).isEqualTo(3);
            assertThat(r.stdout()).isEqualTo("hello 'quoted' world");
            assertThat(r.stderr()).isEqualTo("oops\n");
            String home = shell.run("pwd").stdout();
            assertThat(shell.run(RemoteCommand.once("cd /; export LEAK=1; exit 7")).exitStatus()).isEqualTo(7);
            assertThat(shell.run("pwd; echo \"leak=$LEAK\"").stdout()).isEqualTo(home + "leak=\n");
            byte[] binary = new byte[64 * 1024];
            new Random(7).nextBytes(binary);
            assertThat(shell.run(RemoteCommand.query("sha256sum").withStdin(binary)).stdout())
                    .startsWith(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(binary)));
        }
    }

    @Test
    void thePathPrefixAppliesInTheLongLivedShell() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path tool = bin.resolve("hpcdask-test-tool");
        Files.writeString(tool, "#!/bin/sh\necho from-prefix\n");
        tool.toFile().setExecutable(true);
        try (LocalShell shell = new LocalShell(List.of(bin.toString()))) {
            shell.warmUp().get(60, TimeUnit.SECONDS);
            assertThat(shell.run("hpcdask-test-tool").stdout()).isEqualTo("from-prefix\n");
        }
    }

    @Test
    void aCommandIssuedWhileTheShellStartsWaitsForItAndRunsInIt() throws Exception {
        try (LocalShell shell = new LocalShell()) {
            CompletableFuture<Void> warm = shell.warmUp();
            String pid = shell.run("echo $$").stdout();
            warm.get(60, TimeUnit.SECONDS);
            assertThat(shell.run("echo $$").stdout()).isEqualTo(pid);
        }
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsAbandonedAndTheNextOneGetsAFreshShell() throws Exception {
        try (LocalShell shell = new LocalShell()) {
            shell.warmUp().get(60, TimeUnit.SECONDS);
            String before = shell.run("echo $$").stdout().strip();
            assertThatThrownBy(() -> shell.run(RemoteCommand.query("sleep 60").withTimeout(Duration.ofSeconds(1))))
                    .isInstanceOf(CommandTimeoutException.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(Long.parseLong(before)).isEmpty());
            String after = shell.run("echo $$").stdout().strip();
            assertThat(after).isNotEqualTo(before);
            assertThat(shell.run("echo $$").stdout().strip()).isEqualTo(after);
        }
    }

    @Test
    void aShellEndingUnderAQueryRunsItAgainButNeverACommandWithEffects() throws Exception {
        Path marker = tmp.resolve("ran");
        Path once = tmp.resolve("killed-once");
        try (LocalShell shell = new LocalShell()) {
            shell.warmUp().get(60, TimeUnit.SECONDS);
            // $$ is the long-lived shell: the first time, the query kills it under itself.
            assertThat(shell.run(RemoteCommand.query("if [ ! -e " + once + " ]; then touch " + once + "; kill -9 $$; fi;"
                    + " echo asked-again")).stdout()).isEqualTo("asked-again\n");
            assertThatThrownBy(() -> shell.run(RemoteCommand.once("echo x >> " + marker + "; kill -9 $$")))
                    .isInstanceOf(ConnectionLostException.class).hasMessageContaining("not re-run");
            assertThat(Files.readAllLines(marker)).hasSize(1);
            assertThat(shell.run("echo fine").stdout()).isEqualTo("fine\n");
        }
    }

    @Test
    void closingEndsTheLongLivedShell() throws Exception {
        LocalShell shell = new LocalShell();
        shell.warmUp().get(60, TimeUnit.SECONDS);
        long pid = Long.parseLong(shell.run("echo $$").stdout().strip());
        shell.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pid).isEmpty());
    }
}
