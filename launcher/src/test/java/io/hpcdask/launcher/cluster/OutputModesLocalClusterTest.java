package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpcdask.launcher.cli.CliInHome;
import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.launcher.cli.JsonSchemas;
import io.hpcdask.launcher.failure.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --output} on a real local cluster: the JSON of submit run, workers, cluster status, cluster list and runs (a running run
 * included) against the documented schemas; quiet gives the ids for scripts; a bad mode stages nothing.
 */
class OutputModesLocalClusterTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    Path home;
    LocalClusterFixture clusters;

    @BeforeEach
    void setUp() {
        clusters = new LocalClusterFixture(home);
        clusters.up("out", "--workers", "1", "--slots", "2", "--resources", "foo=2");
    }

    @AfterEach
    void tearDown() {
        clusters.close();
    }

    @Test
    void everyCommandOfARunningClusterPrintsItsDocumentedShape() {
        JsonNode submitted = JsonSchemas.conforming("submit-run", clusters.ok("submit", "run", "--name", "out", "-o", "json",
                "--label", "sleeper", "--tag", "dask:foo=1 bogus", "--", "sleep", "30").out());
        String sleeper = submitted.get("ids").get(0).asText();
        assertThat(submitted.get("warnings")).isNotEmpty();
        List<String> quick = clusters.ok("submit", "run", "--name", "out", "-o", "quiet", "--array", "1-3", "--", "true").out()
                .lines().toList();
        assertThat(quick).hasSize(3).allMatch(id -> id.matches("\\d+"));
        clusters.awaitEnded("out", quick, LONG);
        Awaitility.await().atMost(LONG).until(() -> clusters.run("out", sleeper).state().equals("running"));

        JsonNode workers = JsonSchemas.conforming("workers", clusters.ok("workers", "--name", "out", "-o", "json").out());
        assertThat(workers.get("workers")).hasSize(1);
        assertThat(workers.get("workers").get(0).get("resources").get("foo").asLong()).isEqualTo(2);
        assertThat(clusters.ok("workers", "--name", "out", "-o", "quiet").out().strip())
                .isEqualTo(workers.get("workers").get(0).get("name").asText());

        JsonNode status = JsonSchemas.conforming("cluster-status", clusters.ok("cluster", "status", "--name", "out", "-o", "json").out());
        assertThat(status.get("workers").asInt()).isEqualTo(1);
        assertThat(status.get("server").get("where").asText()).isEqualTo("here");
        assertThat(status.get("runs").get("completed").asInt()).isEqualTo(3);
        assertThat(clusters.ok("cluster", "status", "--name", "out", "-o", "quiet").out()).isEqualTo("out\n");

        JsonNode list = JsonSchemas.conforming("cluster-list", clusters.ok("cluster", "list", "-o", "json").out());
        assertThat(list.get("clusters").get(0).get("state").asText()).isEqualTo("running");
        assertThat(clusters.ok("cluster", "list", "-o", "quiet").out()).isEqualTo("out\n");

        JsonNode runs = JsonSchemas.conforming("runs", clusters.ok("runs", "--name", "out", "-o", "json").out());
        JsonNode running = runs.get("runs").get(0);
        assertThat(running.get("state").asText()).isEqualTo("running");
        assertThat(running.get("endedAt").isNull()).isTrue();
        assertThat(running.get("durationSeconds").asDouble()).as("how long it has run so far").isGreaterThanOrEqualTo(0);
        assertThat(running.get("label").asText()).isEqualTo("sleeper");
        assertThat(clusters.ok("runs", "--name", "out", "-o", "quiet", "--state", "running").out()).isEqualTo(sleeper + "\n");

        JsonNode adapt = JsonSchemas.conforming("adapt", clusters.ok("adapt", "--name", "out", "--max", "2", "--idle-timeout", "10m",
                "-o", "json").out());
        assertThat(adapt.get("adapting").asBoolean()).isTrue();
        assertThat(adapt.get("max").asInt()).isEqualTo(2);
        assertThat(adapt.get("idleTimeoutSeconds").asDouble()).isEqualTo(600.0);
        JsonNode off = JsonSchemas.conforming("adapt", clusters.ok("adapt", "--name", "out", "--off", "-o", "json").out());
        assertThat(off.get("adapting").asBoolean()).isFalse();
        assertThat(off.get("max").isNull()).isTrue();
        JsonNode scaled = JsonSchemas.conforming("scale", clusters.ok("scale", "1", "--name", "out", "-o", "json").out());
        assertThat(scaled.get("target").asInt()).isEqualTo(1);
    }

    @Test
    void aBadModeStagesNothing() throws Exception {
        CliRun.Result r = clusters.cli("submit", "run", "--name", "out", "--output", "xml", "--", "true");
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("--output: 'xml' is not an output mode; expected one of table, json, quiet");
        assertThat(clusters.ok("runs", "--name", "out", "-o", "quiet").out()).isEmpty();
        assertThat(Files.exists(clusters.dir("out").database())).isTrue();
    }
}
