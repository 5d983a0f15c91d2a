package io.hpcdask.launcher.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.launcher.testenv.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against an sshd of this test's own that allows only 2 sessions per connection. */
class SshLimiterAndReconnectTest {
    private static Path dir;
    private static OwnSshd sshd;

    @BeforeAll
    static void startSshd() throws Exception {
        TestEnv.requireSsh();
        dir = Files.createTempDirectory("own-sshd");
        sshd = OwnSshd.start(dir, "MaxSessions=2");
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    private static SshSettings settings(int maxChannels) throws Exception {
        return SshFixture.settings(SshFixture.knownHostsTrusting(dir, sshd.port), sshd.port).withMaxChannels(maxChannels);
    }

    private static List<Future<CommandResult>> concurrently(SshShell shell, int n, String sleep, ExecutorService pool) {
        List<Future<CommandResult>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String cmd = "sleep " + sleep + "; echo task-" + i;
            results.add(pool.submit((Callable<CommandResult>) () -> shell.run(RemoteCommand.query(cmd))));
        }
        return results;
    }

    @Test
    void theLimiterKeepsConcurrentCommandsWithinTheServersMaxSessions() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (SshShell shell = SshShell.connect(settings(2))) {
            List<Future<CommandResult>> results = concurrently(shell, 6, "0.5", pool);
            for (int i = 0; i < results.size(); i++) {
                CommandResult r = results.get(i).get();
                assertThat(r.exitStatus()).isZero();
                assertThat(r.stdout()).isEqualTo("task-" + i + "\n");
            }
            assertThat(shell.maxOpenChannelsObserved()).isEqualTo(2);
            assertThat(shell.connectCount()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withoutTheLimitTheServerRefusesExtraChannels() throws Exception {
        // The control: proves MaxSessions 2 is really enforced, so the test above shows the limiter at work.
        // The commands outlast the shell's short retries of a refused channel open.
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (SshShell shell = SshShell.connect(settings(6))) {
            int refused = 0;
            for (Future<CommandResult> f : concurrently(shell, 6, "4", pool)) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(SshConnectException.class);
                    refused++;
                }
            }
            assertThat(refused).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDroppedConnectionIsReopenedAndASafeCommandRetried() throws Exception {
        try (SshShell shell = SshShell.connect(settings(2))) {
            assertThat(shell.run("echo before").stdout()).isEqualTo("before\n");
            assertThat(sshd.dropConnections()).isPositive();
            assertThat(shell.run(RemoteCommand.query("echo after")).stdout()).isEqualTo("after\n");
            assertThat(shell.connectCount()).isEqualTo(2);
        }
    }

    @Test
    void aCommandThatIsNotSafeToRepeatIsNotRerunAfterADrop() throws Exception {
        Path marker = dir.resolve("ran-" + System.nanoTime());
        try (SshShell shell = SshShell.connect(settings(2))) {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            Future<CommandResult> submit = pool.submit(() -> shell.run(
                    RemoteCommand.once("echo x >> " + marker + "; sleep 5")));
            for (int i = 0; i < 100 && !Files.exists(marker); i++) {
                Thread.sleep(50);
            }
            sshd.dropConnections();
            assertThatThrownBy(submit::get).hasCauseInstanceOf(ConnectionLostException.class)
                    .hasMessageContaining("not re-run");
            pool.shutdownNow();
            assertThat(Files.readAllLines(marker)).hasSize(1);
            // The shell itself recovers for the next command.
            assertThat(shell.run("echo recovered").stdout()).isEqualTo("recovered\n");
        }
    }
}
