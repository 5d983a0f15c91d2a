package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.ClusterHome;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import io.hpcdask.server.store.RunStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON of the commands that answer without a running cluster (runs from the store, config show, doctor on this
 * machine) against their documented schemas; and the schemas are strict enough to catch a wrong shape.
 */
class JsonShapesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    /** Run 1 completed in 2.5 s, run 2 failed with exit 3, run 3 staged; the cluster is down. */
    @BeforeEach
    void runs() {
        ClusterDir dir = new ClusterHome(home).cluster("c1").create();
        try (RunStore store = RunStore.open(dir.database())) {
            store.stage(Stream.of("sweep-1", "sweep-2", "other").map(l -> new RunRequest(List.of("python3", "-c", "print(1)"), false,
                    null, Map.of(), List.of("dask:gpu=1"), l, Map.of())).toList(), 1_764_608_000_000L);
            for (int i = 1; i <= 2; i++) {
                RunState end = i == 1 ? RunState.COMPLETED : RunState.ERROR;
                store.record(new StateChange(RunId.of(i), RunState.STAGED, RunState.RUNNING, WorkerId.of("w1"), null, 1,
                        1_764_608_001_000L, null));
                store.record(new StateChange(RunId.of(i), RunState.RUNNING, end, WorkerId.of("w1"), i == 1 ? 0 : 3, 1,
                        1_764_608_003_500L, null));
            }
            store.flush();
        }
    }

    private CliRun.Result ok(String... args) {
        CliRun.Result r = CliInHome.run(home, args);
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isZero();
        return r;
    }

    @Test
    void runsConformsWithIsoTimesAndDurationsInSeconds() {
        JsonNode doc = JsonSchemas.conforming("runs", ok("runs", "--name", "c1", "-o", "json").out());
        assertThat(doc.get("version").asInt()).isEqualTo(1);
        JsonNode first = doc.get("runs").get(0);
        assertThat(first.get("startedAt").asText()).isEqualTo("2025-12-01T16:53:21.000Z");
        assertThat(first.get("endedAt").asText()).isEqualTo("2025-12-01T16:53:23.500Z");
        assertThat(first.get("durationSeconds").asDouble()).isEqualTo(2.5);
        assertThat(first.get("command")).hasSize(3);
        assertThat(doc.get("runs").get(2).get("durationSeconds").isNull()).isTrue();
        assertThat(doc.get("counts").toString()).isEqualTo("{\"staged\":1,\"completed\":1,\"error\":1}");
    }

    @Test
    void theOldJsonFlagAndTheEnvironmentGiveTheSameShape() {
        String byFlag = ok("runs", "--name", "c1", "--output", "json").out();
        assertThat(ok("runs", "--name", "c1", "--json").out()).isEqualTo(byFlag);
        CliRun.Result byEnv = new CliRun(home.resolve("user-home")).env("HPC_DASK_HOME", home.toString())
                .env("HPC_DASK_OUTPUT", "json").run("runs", "--name", "c1");
        assertThat(byEnv.out()).isEqualTo(byFlag);
    }

    @Test
    void summaryAndLabelConform() {
        JsonNode summary = JsonSchemas.conforming("runs", ok("runs", "--name", "c1", "--summary", "--label", "sweep-*", "-o", "json").out());
        assertThat(summary.get("counts").toString()).isEqualTo("{\"completed\":1,\"error\":1}");
        assertThat(summary.get("matching").asInt()).isEqualTo(2);
    }

    @Test
    void configShowConforms() {
        JsonNode doc = JsonSchemas.conforming("config-show", ok("config", "show", "--walltime", "1h", "-o", "json").out());
        JsonNode walltime = null;
        for (JsonNode s : doc.get("settings")) {
            if (s.get("key").asText().equals("walltime")) {
                walltime = s;
            }
        }
        assertThat(walltime).isNotNull();
        assertThat(walltime.get("set").asBoolean()).isTrue();
        assertThat(walltime.get("origin").asText()).contains("--walltime");
    }

    @Test
    void doctorOnThisMachineConforms() {
        CliRun.Result r = CliInHome.run(home, "doctor", "--system", "local", "-o", "json");
        JsonNode doc = JsonSchemas.conforming("doctor", r.out());
        assertThat(doc.get("ok").asBoolean()).isEqualTo(r.exitCode() == ExitCodes.OK);
        assertThat(doc.get("checks").size()).isPositive();
        assertThat(r.err()).as("the checks show as they run, on stderr").contains("java");
    }

    @Test
    void aPlantedWrongShapeIsCaught() throws Exception {
        String good = ok("runs", "--name", "c1", "-o", "json").out();
        assertThat(JsonSchemas.problems("runs", good)).isEmpty();

        ObjectNode epochMillis = (ObjectNode) JSON.readTree(good);
        ((ObjectNode) epochMillis.get("runs").get(0)).put("startedAt", 1_764_608_001_000L);
        assertThat(JsonSchemas.problems("runs", epochMillis.toString())).as("a time in epoch milliseconds").isNotEmpty();

        ObjectNode missing = (ObjectNode) JSON.readTree(good);
        missing.remove("version");
        assertThat(JsonSchemas.problems("runs", missing.toString())).as("no version").isNotEmpty();

        ObjectNode missingField = (ObjectNode) JSON.readTree(good);
        ((ObjectNode) missingField.get("runs").get(0)).remove("state");
        assertThat(JsonSchemas.problems("runs", missingField.toString())).as("a run without its state").isNotEmpty();

        ObjectNode wrongType = (ObjectNode) JSON.readTree(good);
        ((ObjectNode) wrongType.get("runs").get(0)).put("attempts", "one");
        assertThat(JsonSchemas.problems("runs", wrongType.toString())).as("attempts as a string").isNotEmpty();

        ObjectNode extra = (ObjectNode) JSON.readTree(good);
        ((ObjectNode) extra.get("runs").get(0)).put("stagedAtMillis", 1);
        assertThat(JsonSchemas.problems("runs", extra.toString())).as("an undocumented field").isNotEmpty();

        assertThat(JsonSchemas.problems("submit-run", "{\"version\":1,\"ids\":[12],\"warnings\":[]}")).as("a number as run id")
                .isNotEmpty();
    }

    @Test
    void quietPrintsTheIdsOnly() {
        assertThat(ok("runs", "--name", "c1", "-o", "quiet").out()).isEqualTo("1\n2\n3\n");
        assertThat(ok("runs", "--name", "c1", "-o", "quiet", "--state", "error,staged").out()).isEqualTo("2\n3\n");
    }

    @Test
    void aBadModeNamesTheAcceptedValues() {
        CliRun.Result r = CliInHome.run(home, "runs", "--name", "c1", "-o", "yaml");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err().strip()).isEqualTo("hpc-dask: --output: 'yaml' is not an output mode; expected one of table, json, quiet");
        assertThat(r.out()).isEmpty();

        CliRun.Result env = new CliRun(home.resolve("user-home")).env("HPC_DASK_HOME", home.toString())
                .env("HPC_DASK_OUTPUT", "xml").run("config", "show");
        assertThat(env.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(env.err()).contains("HPC_DASK_OUTPUT: 'xml' is not an output mode; expected one of table, json, quiet");
    }
}
