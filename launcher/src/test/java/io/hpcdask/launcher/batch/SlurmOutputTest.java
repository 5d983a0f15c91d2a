package io.hpcdask.launcher.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.launcher.failure.CommandFailedException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SlurmOutputTest {

    private static Map<String, JobStatus> byId(List<JobStatus> list) {
        return list.stream().collect(Collectors.toMap(JobStatus::jobId, Function.identity()));
    }

    @Test
    void jobOutputReadsThePathsAndJoinsTheStderrLines() {
        assertThat(SlurmOutput.jobOutput("stdout=/h/u/w-7.out\nstderr=/h/u/w-7.err\nline one\n  line   two\n"))
                .isEqualTo(new JobOutput("/h/u/w-7.out", "/h/u/w-7.err", "stderr: line one line two"));
        assertThat(SlurmOutput.jobOutput("stdout=\nstderr=\n")).isEqualTo(new JobOutput(null, null, null));
    }

    @Test
    void sbatchJobIdsInEveryForm() {
        assertThat(SlurmOutput.jobId(Recorded.read("slurm/sbatch-parsable-22.05.txt"))).isEqualTo("49");
        assertThat(SlurmOutput.jobId(Recorded.read("slurm/sbatch-plain-22.05.txt"))).isEqualTo("50");
        assertThat(SlurmOutput.jobId(Recorded.read("slurm/sbatch-plain-20.11.txt"))).isEqualTo("4242");
        assertThat(SlurmOutput.jobId(Recorded.read("slurm/sbatch-parsable-cluster-23.02.txt"))).isEqualTo("123456");
        assertThat(SlurmOutput.jobId(Recorded.read("slurm/sbatch-parsable-24.05.txt"))).isEqualTo("7781234");
        assertThatThrownBy(() -> SlurmOutput.jobId("")).isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("no job id");
    }

    @Test
    void squeue2205RecordedFromTheTestCluster() {
        Map<String, JobStatus> s = byId(SlurmOutput.statuses(Recorded.read("slurm/squeue-22.05.txt")));
        assertThat(s).hasSize(8);
        assertThat(s.get("49")).isEqualTo(new JobStatus("49", JobState.COMPLETED, "vm"));
        assertThat(s.get("50")).isEqualTo(new JobStatus("50", JobState.FAILED, "NonZeroExitCode"));
        assertThat(s.get("51")).isEqualTo(new JobStatus("51", JobState.RUNNING, "vm"));
        assertThat(s.get("52")).isEqualTo(new JobStatus("52", JobState.PENDING, "JobHeldUser"));
        assertThat(s.get("53").state()).isEqualTo(JobState.CANCELLED);
        assertThat(s.get("54_0").state()).isEqualTo(JobState.COMPLETED);
        assertThat(s).containsKeys("54_1", "54_2");
    }

    @Test
    void squeue2011ReasonsAndArrayTasks() {
        Map<String, JobStatus> s = byId(SlurmOutput.statuses(Recorded.read("slurm/squeue-20.11.txt")));
        assertThat(s.get("1001_0")).isEqualTo(new JobStatus("1001_0", JobState.RUNNING, "node001"));
        assertThat(s.get("1001_2")).isEqualTo(new JobStatus("1001_2", JobState.PENDING, "Resources"));
        assertThat(s.get("1002").reason()).isEqualTo("Priority");
        assertThat(s.get("1003").reason()).isEqualTo("ReqNodeNotAvail, UnavailableNodes:node[010-012]");
        assertThat(s.get("1004").state()).isEqualTo(JobState.RUNNING);
        assertThat(s.get("1006")).isEqualTo(new JobStatus("1006", JobState.PENDING, "QOSMaxJobsPerUserLimit"));
    }

    @Test
    void squeue2405TerminalStates() {
        Map<String, JobStatus> s = byId(SlurmOutput.statuses(Recorded.read("slurm/squeue-24.05.txt")));
        assertThat(s.get("88231_7")).isEqualTo(new JobStatus("88231_7", JobState.RUNNING, "gpu-a[01-02]"));
        assertThat(s.get("88232")).isEqualTo(new JobStatus("88232", JobState.PENDING, "BeginTime"));
        assertThat(s.get("88233").state()).isEqualTo(JobState.PENDING);
        assertThat(s.get("88234").state()).isEqualTo(JobState.TIMEOUT);
        assertThat(s.get("88235").state()).isEqualTo(JobState.FAILED);
        assertThat(s.get("88236").state()).isEqualTo(JobState.FAILED);
        assertThat(s.get("88237").state()).isEqualTo(JobState.CANCELLED);
        assertThat(s.get("88238").state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void sacct2108States() {
        Map<String, JobStatus> s = byId(SlurmOutput.statuses(Recorded.read("slurm/sacct-21.08.txt")));
        assertThat(s.get("5001").state()).isEqualTo(JobState.COMPLETED);
        assertThat(s.get("5002").state()).isEqualTo(JobState.FAILED);
        assertThat(s.get("5003").state()).isEqualTo(JobState.CANCELLED);
        assertThat(s.get("5004").state()).isEqualTo(JobState.TIMEOUT);
        assertThat(s.get("5005_0").state()).isEqualTo(JobState.COMPLETED);
        assertThat(s.get("5005_1").state()).isEqualTo(JobState.FAILED);
        assertThat(s.get("5006")).isEqualTo(new JobStatus("5006", JobState.PENDING, "Priority"));
        assertThat(s.get("5007").state()).isEqualTo(JobState.RUNNING);
        assertThat(s.get("5008").state()).isEqualTo(JobState.FAILED);
    }

    @Test
    void sacct2311StepsAreIgnored() {
        Map<String, JobStatus> s = byId(SlurmOutput.statuses(Recorded.read("slurm/sacct-23.11-with-steps.txt")));
        assertThat(s).containsOnlyKeys("7001", "7002", "7003");
        assertThat(s.get("7002").state()).isEqualTo(JobState.CANCELLED);
        assertThat(s.get("7003").state()).isEqualTo(JobState.TIMEOUT);
    }

    @Test
    void recordedErrorsAreWhatTheCliMustShow() {
        assertThat(Recorded.read("slurm/sbatch-bad-partition-22.05.stderr"))
                .startsWith("sbatch: error: invalid partition specified: nosuch");
        assertThat(Recorded.read("slurm/sacct-disabled-22.05.stderr")).contains("accounting storage is disabled");
        assertThat(SlurmOutput.state("SOMETHING_NEW")).isEqualTo(JobState.UNKNOWN);
    }
}
