package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe and its listener as the real processes doctor starts. */
class ProbeTest {
    @TempDir
    Path tmp;

    @Test
    void aProbeReachesTheListenerWhichWritesItsAddressAndLeavesAtItsDeadline() throws Exception {
        Path portFile = tmp.resolve("doctor/probe.port");
        try (JvmProcess listener = JvmProcess.start(tmp, ProbeListener.class, "--toward", "127.0.0.1", "--seconds", "8",
                "--port-file", portFile.toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(portFile));
            String[] lines = Files.readString(portFile).split("\n");
            assertThat(lines[0]).matches("[0-9a-f.:\\[\\]]+:\\d+");
            assertThat(lines[1]).isEqualTo("pid " + listener.process.pid());
            assertThat(lines[2]).isNotBlank();

            try (JvmProcess probe = JvmProcess.start(tmp, WorkerMain.class, "--probe", lines[0])) {
                assertThat(probe.waitFor(30)).as(probe.stderr()).isZero();
                assertThat(probe.stdout()).matches("hpc-dask probe: \\S+ reached " + java.util.regex.Pattern.quote(lines[0])
                        + " in \\d+ ms\n");
            }
            assertThat(listener.waitFor(30)).as(listener.stderr()).isZero();
            assertThat(portFile).doesNotExist();
        }
    }

    @Test
    void aClosedPortIsRefusedAndExitsOne() throws Exception {
        int port = ConnectFailureTest.closedPort();
        try (JvmProcess probe = JvmProcess.start(tmp, WorkerMain.class, "--probe", "127.0.0.1:" + port)) {
            assertThat(probe.waitFor(30)).isEqualTo(1);
            assertThat(probe.stdout()).startsWith("hpc-dask probe: ")
                    .contains(" could not reach 127.0.0.1:" + port + ": connection refused");
        }
    }

    @Test
    void anUnknownInterfaceIsWrittenAsAnErrorSoTheCallerNeedNotWait() throws Exception {
        Path portFile = tmp.resolve("probe.port");
        try (JvmProcess listener = JvmProcess.start(tmp, ProbeListener.class, "--interface", "nosuch0", "--seconds", "60",
                "--port-file", portFile.toString())) {
            assertThat(listener.waitFor(30)).isEqualTo(1);
            assertThat(Files.readString(portFile)).startsWith("error: --interface: no network interface 'nosuch0'")
                    .contains("lo (127.0.0.1");
        }
    }

    @Test
    void badProbeArgumentsExitTwo() throws Exception {
        assertThat(WorkerMain.run(new String[] {"--probe", "nohostport"}, java.util.Map.of())).isEqualTo(2);
    }
}
