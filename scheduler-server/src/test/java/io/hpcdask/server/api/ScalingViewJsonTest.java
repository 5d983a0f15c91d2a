package io.hpcdask.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.server.scaling.Autoscaler;
import io.hpcdask.server.scaling.JobState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scaling view crosses versions: a newer CLI reads an older server's JSON, and an older field set stays readable. */
class ScalingViewJsonTest {
    final ObjectMapper json = new ObjectMapper();

    @Test
    void readsAViewWrittenBeforeRunningSinceOutputFilesAndServerTime() throws Exception {
        String old = """
                {"system":"slurm",
                 "pools":[{"profile":"cpu","target":2,"pending":1,"running":1,"connected":0,"submitting":0,
                           "pausedReason":null,"lastError":"job 5 of profile cpu ended FAILED"}],
                 "jobs":[{"jobId":"6","profile":"cpu","state":"RUNNING","reason":"node1","worker":null,
                          "submittedAt":1000,"retiring":false}]}
                """;
        ScalingView v = json.readValue(old, ScalingView.class);
        assertThat(v.serverTime()).isZero();
        assertThat(v.pools().get(0).lastError()).isEqualTo("job 5 of profile cpu ended FAILED");
        assertThat(v.pools().get(0).lastErrorStdout()).isNull();
        assertThat(v.jobs().get(0).runningSince()).isNull();
        assertThat(v.jobs().get(0).workerConnected()).isFalse();
    }

    @Test
    void ignoresFieldsItDoesNotKnowAndRoundTrips() throws Exception {
        ScalingView v = new ScalingView("slurm",
                List.of(new Autoscaler.PoolView("cpu", 1, 0, 1, 0, 0, null, "x", "5", "/o", "/e")),
                List.of(new Autoscaler.JobView("6", "cpu", JobState.RUNNING, "node1", null, 1, false, 2_000L, false)), 40_000);
        String text = json.writeValueAsString(v);
        assertThat(json.readValue(text, ScalingView.class)).isEqualTo(v);
        String newer = text.replace("\"serverTime\"", "\"fromTheFuture\":1,\"serverTime\"")
                .replace("\"runningSince\"", "\"alsoNew\":\"x\",\"runningSince\"");
        assertThat(json.readValue(newer, ScalingView.class)).isEqualTo(v);
    }
}
