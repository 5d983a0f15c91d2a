package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real worker JVM whose scheduler is not there says why at ERROR, with the hint, without flooding. */
class ConnectFailureLoggingTest {
    @TempDir
    Path tmp;

    private String workerStderr(String scheduler) throws Exception {
        Path token = Files.writeString(tmp.resolve("token"), "secret-token");
        try (JvmProcess worker = JvmProcess.start(tmp, WorkerMain.class, "--scheduler", scheduler, "--token-file",
                token.toString(), "--name", "w", "--cores", "1", "--memory", "100M", "--death-timeout", "4")) {
            assertThat(worker.waitFor(60)).as(worker.stderr()).isEqualTo(1);
            return worker.stderr();
        }
    }

    @Test
    void aClosedPortIsLoggedOnceAsRefusedWithTheHint() throws Exception {
        String address = "127.0.0.1:" + ConnectFailureTest.closedPort();
        String log = workerStderr(address);
        assertThat(log).contains("ERROR worker Cannot reach scheduler at " + address + ": connection refused");
        assertThat(log).contains("ERROR worker compute nodes cannot reach " + address + ": run hpc-dask on the login node,"
                + " or set --interface/--scheduler-address");
        // it retried many times in 4 s, but said so once
        assertThat(log.split("Cannot reach scheduler", -1)).hasSize(2);
        assertThat(log).contains("No scheduler at " + address + " for 4 s (--death-timeout); last attempt: connection"
                + " refused; exiting");
        assertThat(log).doesNotContain("secret-token");
    }

    @Test
    void anUnresolvableNameIsNameNotFound() throws Exception {
        String log = workerStderr("no-such-host.invalid:8786");
        assertThat(log).contains("ERROR worker Cannot reach scheduler at no-such-host.invalid:8786: name not found");
    }
}
