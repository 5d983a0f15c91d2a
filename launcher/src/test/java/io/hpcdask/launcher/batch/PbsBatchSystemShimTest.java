package io.hpcdask.launcher.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.launcher.ssh.LocalShell;
import io.hpcdask.launcher.ssh.RemoteCommandException;
import io.hpcdask.launcher.ssh.RemoteShell;
import io.hpcdask.launcher.ssh.SshFixture;
import io.hpcdask.launcher.ssh.SshShell;
import io.hpcdask.launcher.testenv.TestEnv;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PbsBatchSystem end to end through qsub/qstat/qdel shims put first on the PATH of a real shell. */
class PbsBatchSystemShimTest {
    private static final String SCRIPT = "#!/bin/bash\n#PBS -N hpc-dask-worker\necho 'it''s me'\n";

    @TempDir
    Path tmp;

    @Test
    void proSubmitQueryCancelAndArraysWithJ() throws Exception {
        PbsShims shims = PbsShims.install(tmp, "pro");
        try (RemoteShell shell = new LocalShell(List.of(shims.bin.toString()))) {
            PbsBatchSystem pbs = PbsBatchSystem.detect(shell);
            assertThat(pbs.flavor()).isEqualTo(PbsBatchSystem.Flavor.PRO);
            exercise(pbs, shims, "-J", "1234.pbs-server", "1235[].pbs-server", "pbs-server");
            Map<String, JobStatus> s = pbs.query(List.of("1234.pbs-server", "1235[0].pbs-server", "1237.pbs-server", "999.pbs-server"));
            assertThat(s.get("1234.pbs-server").reason()).startsWith("Not Running: Insufficient amount of resource");
            assertThat(s.get("1235[0].pbs-server").state()).isEqualTo(JobState.COMPLETED);
            assertThat(s.get("1237.pbs-server").state()).isEqualTo(JobState.TIMEOUT);
            assertThat(s.get("999.pbs-server").state()).isEqualTo(JobState.UNKNOWN);
            assertThat(shims.calls()).contains("qstat -f -F json -x -t 1234.pbs-server 1235[0].pbs-server 1237.pbs-server 999.pbs-server");
        }
    }

    /** qdel refuses jobs that have ended (real answers: exit 35 finished, 153 unknown); a cancel of them is no failure. */
    @Test
    void proCancelOfJobsThatHaveEndedSucceeds() throws Exception {
        PbsShims shims = PbsShims.install(tmp, "pro");
        try (RemoteShell shell = new LocalShell(List.of(shims.bin.toString()))) {
            PbsBatchSystem pbs = PbsBatchSystem.detect(shell);
            pbs.cancel(List.of("1234.pbs-server", "33.vm", "99999.vm"));
            assertThat(shims.calls()).contains("qdel 1234.pbs-server 33.vm 99999.vm");
        }
    }

    @Test
    void torqueSubmitQueryCancelAndArraysWithT() throws Exception {
        PbsShims shims = PbsShims.install(tmp, "torque");
        try (RemoteShell shell = new LocalShell(List.of(shims.bin.toString()))) {
            PbsBatchSystem pbs = PbsBatchSystem.detect(shell);
            assertThat(pbs.flavor()).isEqualTo(PbsBatchSystem.Flavor.TORQUE);
            exercise(pbs, shims, "-t", "4101.torque-srv", "4103[].torque-srv", "torque-srv");
            Map<String, JobStatus> s = pbs.query(List.of("4101.torque-srv", "4103[0].torque-srv", "4104.torque-srv"));
            assertThat(s.get("4101.torque-srv").state()).isEqualTo(JobState.RUNNING);
            assertThat(s.get("4103[0].torque-srv").state()).isEqualTo(JobState.COMPLETED);
            assertThat(s.get("4104.torque-srv").reason()).startsWith("held");
        }
    }

    @Test
    void aProClientAgainstTorqueFallsBackToThePlainTable() throws Exception {
        PbsShims shims = PbsShims.install(tmp, "torque");
        try (RemoteShell shell = new LocalShell(List.of(shims.bin.toString()))) {
            PbsBatchSystem pbs = new PbsBatchSystem(shell, PbsBatchSystem.Flavor.PRO);
            assertThat(pbs.query(List.of("4102.torque-srv")).get("4102.torque-srv").state()).isEqualTo(JobState.PENDING);
            assertThat(pbs.flavor()).isEqualTo(PbsBatchSystem.Flavor.TORQUE);
            assertThat(shims.calls()).containsExactly("qstat -f -F json -x -t 4102.torque-srv", "qstat -t 4102.torque-srv");
        }
    }

    @Test
    void proThroughTheShimsOverSsh() throws Exception {
        TestEnv.requireSsh();
        PbsShims shims = PbsShims.install(tmp, "pro");
        try (SshShell shell = SshShell.connect(SshFixture.trusted(tmp).withPathPrefix(List.of(shims.bin.toString())))) {
            exercise(PbsBatchSystem.detect(shell), shims, "-J", "1234.pbs-server", "1235[].pbs-server", "pbs-server");
        }
    }

    private void exercise(PbsBatchSystem pbs, PbsShims shims, String arrayFlag, String id, String arrayId, String server)
            throws Exception {
        SubmittedJobs one = pbs.submit(JobSubmission.of(SCRIPT).withArgs("-l", "walltime=00:10:00"));
        assertThat(one.jobId()).isEqualTo(id);
        assertThat(one.taskIds()).containsExactly(id);
        assertThat(shims.lastScript()).isEqualTo(SCRIPT);

        SubmittedJobs array = pbs.submit(JobSubmission.of(SCRIPT).withArray(3));
        assertThat(array.jobId()).isEqualTo(arrayId);
        String base = arrayId.substring(0, arrayId.indexOf('['));
        assertThat(array.taskIds()).containsExactly(base + "[0]." + server, base + "[1]." + server, base + "[2]." + server);

        pbs.cancel(List.of(id, array.taskIds().get(1)));
        assertThat(pbs.testSubmission(JobSubmission.of(SCRIPT))).contains(id);
        assertThatThrownBy(() -> pbs.submit(JobSubmission.of(SCRIPT).withArgs("-q", "nosuch")))
                .isInstanceOfSatisfying(RemoteCommandException.class, e -> {
                    assertThat(e.result().exitStatus()).isEqualTo(170);
                    assertThat(e.result().command()).isEqualTo("qsub -q nosuch");
                })
                .hasMessageContaining("Unknown queue");
        assertThat(shims.calls()).containsSubsequence(
                "qsub -l walltime=00:10:00",
                "qsub " + arrayFlag + " 0-2",
                "qdel " + id + " " + base + "[1]." + server,
                "qsub -h",
                "qdel " + id,
                "qsub -q nosuch");
    }
}
