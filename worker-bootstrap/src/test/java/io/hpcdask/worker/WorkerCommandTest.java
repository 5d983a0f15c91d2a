package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WorkerCommandTest {
    @Test
    void buildsAnArgvTheWorkerParses() throws Exception {
        WorkerCommand c = WorkerCommand.forJar("java", Path.of("/opt/w.jar")).scheduler("::1", 8786)
                .tokenFile(Path.of("/t")).name("w").cores(2).memory("1G").resources("gpu=1 foo=2").slots(3)
                .lifetime("00:05:00").lifetimeGraceSeconds(10).deathTimeoutSeconds(9).localDirectory(Path.of("/s"));
        assertThat(c.argv()).startsWith("java", "-jar", "/opt/w.jar", "--scheduler", "[::1]:8786");
        String[] args = c.argv().subList(3, c.argv().size()).toArray(String[]::new);
        WorkerOptions o = WorkerArgs.parse(args);
        assertThat(o.schedulerHost()).isEqualTo("::1");
        assertThat(o.resources().toString()).isEqualTo("gpu=1 foo=2");
        assertThat(o.deathTimeoutSeconds()).isEqualTo(9);
    }

    @Test
    void currentJvmRunsTheMainClassFromItsClasspath() {
        assertThat(WorkerCommand.forCurrentJvm().argv()).contains("-cp", WorkerMain.class.getName());
    }
}
