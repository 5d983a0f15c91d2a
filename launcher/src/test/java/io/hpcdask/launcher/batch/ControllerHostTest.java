package io.hpcdask.launcher.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.ssh.CommandResult;
import io.hpcdask.launcher.ssh.SshFixture;
import io.hpcdask.launcher.ssh.SshShell;
import io.hpcdask.launcher.testenv.TestEnv;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the batch system's controller is, from recorded answers and from the real one-node SLURM. */
class ControllerHostTest {
    @TempDir
    Path tmp;

    @Test
    void slurmAcrossReleases() {
        assertThat(SlurmBatchSystem.controllerHost(Recorded.read("slurm/scontrol-show-config-22.05.txt"))).isEqualTo("vm");
        assertThat(SlurmBatchSystem.controllerHost(Recorded.read("slurm/scontrol-show-config-23.11-two-controllers.txt")))
                .isEqualTo("10.213.1.1");
        assertThat(SlurmBatchSystem.controllerHost(Recorded.read("slurm/scontrol-show-config-24.05-vip.txt")))
                .isEqualTo("10.40.0.10");
        assertThat(SlurmBatchSystem.controllerHost(Recorded.read("slurm/scontrol-show-config-17.02.txt")))
                .isEqualTo("172.16.0.2");
        assertThat(SlurmBatchSystem.controllerHost("ControlMachine = mgmt01\nControlAddr = (null)\n")).isEqualTo("mgmt01");
        assertThat(SlurmBatchSystem.controllerHost("slurm_load_ctl_conf error: Unable to contact slurm controller")).isNull();
    }

    @Test
    void pbsFromTheServerOrItsConfigFile() {
        assertThat(PbsBatchSystem.serverHost(Recorded.read("pbs/pro/qstat-Bf.txt"), "")).isEqualTo("pbs-server.cluster.local");
        assertThat(PbsBatchSystem.serverHost(Recorded.read("pbs/torque/qstat-Bf.txt"), "")).isEqualTo("torque-head");
        assertThat(PbsBatchSystem.serverHost("", Recorded.read("pbs/pbs.conf"))).isEqualTo("pbs-head01");
        assertThat(PbsBatchSystem.serverHost(Recorded.read("pbs/torque/qstat-plain.txt"), "")).isNull();
    }

    @Test
    void theRealSlurmOverSshNamesItsControllerAsScontrolDoes() throws Exception {
        TestEnv.requireSlurm();
        try (SshShell shell = SshShell.connect(SshFixture.trusted(tmp))) {
            CommandResult config = shell.run("scontrol show config").orThrow();
            String expected = SlurmBatchSystem.controllerHost(config.stdout());
            assertThat(expected).isNotBlank();
            assertThat(new SlurmBatchSystem(shell).controllerHost()).contains(expected);
        }
    }
}
