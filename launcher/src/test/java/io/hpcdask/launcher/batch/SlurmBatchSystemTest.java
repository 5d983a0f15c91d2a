package io.hpcdask.launcher.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.launcher.failure.CommandFailedException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Walltime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SLURM's parsing from recorded outputs (see resources batch/README.md), its id form and how it writes amounts. */
class SlurmBatchSystemTest {

    private static Map<String, JobStatus> byId(List<JobStatus> list) {
        return list.stream().collect(Collectors.toMap(JobStatus::jobId, Function.identity()));
    }

    @Test
    void jobOutputReadsThePathsAndJoinsTheStderrLines() {
        assertThat(SlurmBatchSystem.jobOutput("stdout=/h/u/w-7.out\nstderr=/h/u/w-7.err\nline one\n  line   two\n"))
                .isEqualTo(new JobOutput("/h/u/w-7.out", "/h/u/w-7.err", "stderr: line one line two"));
        assertThat(SlurmBatchSystem.jobOutput("stdout=\nstderr=\n")).isEqualTo(new JobOutput(null, null, null));
    }

    @Test
    void sbatchJobIdsInEveryForm() {
        assertThat(SlurmBatchSystem.jobId(Recorded.read("slurm/sbatch-parsable-22.05.txt"))).isEqualTo("49");
        assertThat(SlurmBatchSystem.jobId(Recorded.read("slurm/sbatch-plain-22.05.txt"))).isEqualTo("50");
        assertThat(SlurmBatchSystem.jobId(Recorded.read("slurm/sbatch-plain-20.11.txt"))).isEqualTo("4242");
        assertThat(SlurmBatchSystem.jobId(Recorded.read("slurm/sbatch-parsable-cluster-23.02.txt"))).isEqualTo("123456");
        assertThat(SlurmBatchSystem.jobId(Recorded.read("slurm/sbatch-parsable-24.05.txt"))).isEqualTo("7781234");
        assertThatThrownBy(() -> SlurmBatchSystem.jobId("")).isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("no job id");
    }

    @Test
    void squeue2205RecordedFromTheTestCluster() {
        Map<String, JobStatus> s = byId(SlurmBatchSystem.statuses(Recorded.read("slurm/squeue-22.05.txt")));
        assertThat(s).hasSize(8);
        assertThat(s.get("49")).isEqualTo(new JobStatus("49", JobState.COMPLETED, ""));
        assertThat(s.get("50")).isEqualTo(new JobStatus("50", JobState.FAILED, "NonZeroExitCode"));
        assertThat(s.get("51")).as("a running job has no reason (%R would print its node)")
                .isEqualTo(new JobStatus("51", JobState.RUNNING, ""));
        assertThat(s.get("52")).isEqualTo(new JobStatus("52", JobState.PENDING, "JobHeldUser"));
        assertThat(s.get("53").state()).isEqualTo(JobState.CANCELLED);
        assertThat(s.get("54_0").state()).isEqualTo(JobState.COMPLETED);
        assertThat(s).containsKeys("54_1", "54_2");
    }

    @Test
    void squeue2011ReasonsAndArrayTasks() {
        Map<String, JobStatus> s = byId(SlurmBatchSystem.statuses(Recorded.read("slurm/squeue-20.11.txt")));
        assertThat(s.get("1001_0")).isEqualTo(new JobStatus("1001_0", JobState.RUNNING, ""));
        assertThat(s.get("1001_2")).isEqualTo(new JobStatus("1001_2", JobState.PENDING, "Resources"));
        assertThat(s.get("1002").reason()).isEqualTo("Priority");
        assertThat(s.get("1003").reason()).isEqualTo("ReqNodeNotAvail, UnavailableNodes:node[010-012]");
        assertThat(s.get("1004").state()).isEqualTo(JobState.RUNNING);
        assertThat(s.get("1006")).isEqualTo(new JobStatus("1006", JobState.PENDING, "QOSMaxJobsPerUserLimit"));
    }

    @Test
    void squeue2405TerminalStates() {
        Map<String, JobStatus> s = byId(SlurmBatchSystem.statuses(Recorded.read("slurm/squeue-24.05.txt")));
        assertThat(s.get("88231_7")).isEqualTo(new JobStatus("88231_7", JobState.RUNNING, ""));
        assertThat(s.get("88232")).isEqualTo(new JobStatus("88232", JobState.PENDING, "BeginTime"));
        assertThat(s.get("88233").state()).isEqualTo(JobState.PENDING);
        assertThat(s.get("88234")).isEqualTo(new JobStatus("88234", JobState.TIMEOUT, "TimeLimit"));
        assertThat(s.get("88235").state()).isEqualTo(JobState.FAILED);
        assertThat(s.get("88236").state()).isEqualTo(JobState.FAILED);
        assertThat(s.get("88237").state()).isEqualTo(JobState.CANCELLED);
        assertThat(s.get("88238").state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void theQueryAsksSqueueForReasonsNotNodeLists() {
        assertThat(SlurmBatchSystem.SQUEUE_FORMAT).isEqualTo("%i|%T|%r");
    }

    @Test
    void sacct2108States() {
        Map<String, JobStatus> s = byId(SlurmBatchSystem.statuses(Recorded.read("slurm/sacct-21.08.txt")));
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
        Map<String, JobStatus> s = byId(SlurmBatchSystem.statuses(Recorded.read("slurm/sacct-23.11-with-steps.txt")));
        assertThat(s).containsOnlyKeys("7001", "7002", "7003");
        assertThat(s.get("7002").state()).isEqualTo(JobState.CANCELLED);
        assertThat(s.get("7003").state()).isEqualTo(JobState.TIMEOUT);
    }

    @Test
    void recordedErrorsAreWhatTheCliMustShow() {
        assertThat(Recorded.read("slurm/sbatch-bad-partition-22.05.stderr"))
                .startsWith("sbatch: error: invalid partition specified: nosuch");
        assertThat(Recorded.read("slurm/sacct-disabled-22.05.stderr")).contains("accounting storage is disabled");
        assertThat(SlurmBatchSystem.state("SOMETHING_NEW")).isEqualTo(JobState.UNKNOWN);
    }

    @ParameterizedTest(name = "{0} -> --mem={1}")
    @CsvSource({
        // binary amounts are written exactly, in the largest unit that holds them whole
        "8G, 8G", "1536M, 1536M", "1024M, 1G", "1.5G, 1536M", "2T, 2T", "512K, 512K", "8GiB, 8G", "8g, 8G",
        // decimal amounts are rounded up, in the largest binary unit with at least 1 of it
        "28GB, 27G", "8GB, 8G", "1GB, 954M", "500MB, 477M", "1TB, 932G", "7.5GB, 7G",
    })
    void memory(String text, String slurm) {
        assertThat(SlurmBatchSystem.memory(Memory.parse(text))).isEqualTo(slurm);
    }

    @ParameterizedTest
    @ValueSource(strings = {"28GB", "8GB", "1GB", "500MB", "1TB", "7.5GB", "999999KB", "3MB"})
    void decimalRequestsAreNeverBelowWhatWasAsked(String text) {
        Memory m = Memory.parse(text);
        assertThat(Memory.parse(SlurmBatchSystem.memory(m)).bytes()).isGreaterThanOrEqualTo(m.bytes());
    }

    @ParameterizedTest(name = "{0} -> -t {1}")
    @CsvSource({
        "30, 00:30:00", "90, 01:30:00", "30:15, 00:30:15", "00:30:00, 00:30:00", "48:00:00, 2-00:00:00",
        "1-12, 1-12:00:00", "1-12:30, 1-12:30:00", "2-01:02:03, 2-01:02:03",
    })
    void walltime(String text, String slurm) {
        assertThat(SlurmBatchSystem.walltime(Walltime.parse(text))).isEqualTo(slurm);
        assertThat(Walltime.parse(SlurmBatchSystem.walltime(Walltime.parse(text)))).isEqualTo(Walltime.parse(text));
    }

    @Test
    void jobIdsAreJobsOrArrayTasks() {
        SlurmBatchSystem.TYPE.checkIds(List.of("49", "50_2"));
        assertThatThrownBy(() -> SlurmBatchSystem.TYPE.checkIds(List.of("49", "50; rm -rf ~")))
                .isInstanceOf(BadInputException.class).hasMessage("job id '50; rm -rf ~' is not a SLURM job id");
    }
}
