package io.hpcdask.launcher.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PbsOutputTest {

    private static Map<String, JobStatus> byId(List<JobStatus> list) {
        return list.stream().collect(Collectors.toMap(JobStatus::jobId, Function.identity()));
    }

    @Test
    void qsubIds() {
        assertThat(PbsOutput.jobId(Recorded.read("pbs/pro/qsub.txt"))).isEqualTo("1234.pbs-server");
        assertThat(PbsOutput.jobId(Recorded.read("pbs/pro/qsub-array.txt"))).isEqualTo("1235[].pbs-server");
        assertThat(PbsOutput.jobId(Recorded.read("pbs/torque/qsub.txt"))).isEqualTo("4101.torque-srv");
        assertThat(PbsOutput.taskId("4103[].torque-srv", 2)).isEqualTo("4103[2].torque-srv");
    }

    @Test
    void proJsonStatesReasonsAndSubjobs() {
        Map<String, JobStatus> s = byId(PbsOutput.proJson(Recorded.read("pbs/pro/qstat-f-json.json")));
        assertThat(s.get("1234.pbs-server")).isEqualTo(new JobStatus("1234.pbs-server", JobState.PENDING,
                "Not Running: Insufficient amount of resource: ncpus (R: 4 A: 2 T: 64)"));
        assertThat(s.get("1235[].pbs-server").state()).isEqualTo(JobState.RUNNING);
        assertThat(s.get("1235[0].pbs-server").state()).isEqualTo(JobState.COMPLETED);
        assertThat(s.get("1235[1].pbs-server").reason()).contains("cn001");
        assertThat(s.get("1235[2].pbs-server").state()).isEqualTo(JobState.PENDING);
        assertThat(s.get("1236.pbs-server")).isEqualTo(new JobStatus("1236.pbs-server", JobState.PENDING, "held"));
        assertThat(s.get("1237.pbs-server").state()).isEqualTo(JobState.TIMEOUT);
        assertThat(s.get("1238.pbs-server").state()).isEqualTo(JobState.CANCELLED);
        assertThat(s.get("1239.pbs-server").state()).isEqualTo(JobState.FAILED);
        assertThat(s.get("1239.pbs-server").reason()).startsWith("exit status 1;");
        assertThat(s.get("1240.pbs-server").state()).isEqualTo(JobState.CANCELLED);
        assertThat(s.get("1241.pbs-server").state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void torquePlainTable() {
        Map<String, JobStatus> s = byId(PbsOutput.torqueTable(Recorded.read("pbs/torque/qstat-plain.txt")));
        assertThat(s).hasSize(6);
        assertThat(s.get("4101.torque-srv").state()).isEqualTo(JobState.RUNNING);
        assertThat(s.get("4102.torque-srv")).isEqualTo(new JobStatus("4102.torque-srv", JobState.PENDING, "state Q in queue batch"));
        assertThat(s.get("4103[0].torque-srv").state()).isEqualTo(JobState.COMPLETED);
        assertThat(s.get("4103[1].torque-srv").state()).isEqualTo(JobState.RUNNING);
        assertThat(s.get("4104.torque-srv").reason()).startsWith("held");
    }

    @Test
    void unknownJobIdsFromStderrOfBothFlavors() {
        assertThat(PbsOutput.unknownIds(Recorded.read("pbs/pro/qstat-unknown.stderr"))).containsExactly("999.pbs-server");
        assertThat(PbsOutput.unknownIds(Recorded.read("pbs/torque/qstat-unknown.stderr"))).containsExactly("999.torque-srv");
    }
}
