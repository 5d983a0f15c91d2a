package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.ClusterHome;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.server.SchedulerServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two stopped clusters: which one a command means ({@code --name}, {@code HPC_DASK_CLUSTER}, or a message listing
 * them), {@code cluster list}, {@code cluster down} of a stopped cluster, and {@code submit run} staging into one.
 * Running clusters: {@code StoppedClusterStagingTest}.
 */
class SeveralClustersTest {
    @TempDir
    Path home;
    private ClusterDir a;
    private ClusterDir b;

    @BeforeEach
    void twoStoppedClusters() {
        ClusterHome h = new ClusterHome(home);
        a = h.cluster("a").create();
        b = h.cluster("b").create();
    }

    private CliRun.Result run(String... args) {
        return CliInHome.run(home, args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cluster status", "cluster down", "cluster up --system local", "workers", "runs", "scale 2",
        "submit run echo hi", "cancel 1", "logs 1"})
    void withoutANameTheMessageListsThemAndNothingIsDone(String command) {
        CliRun.Result r = run(command.split(" "));
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).isEqualTo("hpc-dask: 2 clusters: a (stopped), b (stopped); choose one with --name or HPC_DASK_CLUSTER\n");
        assertThat(r.out()).isEmpty();
        assertThat(Files.exists(a.database())).isFalse();
        assertThat(Files.exists(b.database())).isFalse();
    }

    @Test
    void hpcDaskClusterChoosesAndNameWinsOverIt() {
        CliRun.Result env = new CliRun(home.resolve("user-home")).env("HPC_DASK_HOME", home.toString())
                .env("HPC_DASK_CLUSTER", "b").run("workers");
        assertThat(env.exitCode()).isEqualTo(ExitCodes.NO_CLUSTER);
        assertThat(env.err()).contains("no cluster 'b' is running (start it with 'hpc-dask cluster up --name b')");
        CliRun.Result flag = new CliRun(home.resolve("user-home")).env("HPC_DASK_HOME", home.toString())
                .env("HPC_DASK_CLUSTER", "b").run("workers", "--name", "a");
        assertThat(flag.err()).contains("no cluster 'a' is running");
        CliRun.Result bad = new CliRun(home.resolve("user-home")).env("HPC_DASK_HOME", home.toString())
                .env("HPC_DASK_CLUSTER", "../x").run("workers");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(bad.err()).isEqualTo("hpc-dask: HPC_DASK_CLUSTER: '../x' is not a cluster name; expected "
                + ClusterHome.NAME_FORM + "\n");
    }

    @Test
    void printJobScriptDoesNotNeedToChoose() {
        CliRun.Result r = run("print", "job-script", "--system", "slurm");
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isZero();
        assertThat(r.out()).contains("#SBATCH");
    }

    @Test
    void clusterListShowsEveryCluster() {
        assertThat(run("submit", "run", "--name", "b", "true").exitCode()).isZero();
        assertThat(run("submit", "run", "--name", "b", "--array", "1-2", "true").exitCode()).isZero();
        CliRun.Result r = run("cluster", "list");
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isZero();
        assertThat(r.out().lines()).containsExactly(
                "NAME  SYSTEM  STATE    ADDRESS  WORKERS  RUNS",
                "a     local   stopped  -        -        -",
                "b     local   stopped  -        -        staged=3");
    }

    @Test
    void clusterListAsJsonAndQuiet() throws Exception {
        run("submit", "run", "--name", "b", "true");
        CliRun.Result json = run("cluster", "list", "--output", "json");
        assertThat(json.exitCode()).as(CliInHome.describe(json)).isZero();
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.get("version").asInt()).isEqualTo(ClusterListCommand.JSON_VERSION);
        assertThat(doc.get("clusters")).hasSize(2);
        JsonNode second = doc.get("clusters").get(1);
        assertThat(second.get("name").asText()).isEqualTo("b");
        assertThat(second.get("system").asText()).isEqualTo("local");
        assertThat(second.get("state").asText()).isEqualTo("stopped");
        assertThat(second.get("address").isNull()).isTrue();
        assertThat(second.get("workers").isNull()).isTrue();
        assertThat(second.get("runs").get("staged").asLong()).isEqualTo(1);
        assertThat(doc.get("clusters").get(0).get("runs").size()).isZero();
        assertThat(run("cluster", "list", "-o", "quiet").out()).isEqualTo("a\nb\n");
    }

    @Test
    void clusterListWithoutClustersSaysHowToStartOne() throws Exception {
        Path empty = Files.createDirectories(home.resolve("empty"));
        CliRun.Result r = CliInHome.run(empty, "cluster", "list");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("No clusters in ").contains("start one with 'hpc-dask cluster up'");
    }

    @Test
    void downOfAStoppedClusterSaysSoAndSucceeds() {
        CliRun.Result none = run("cluster", "down", "--name", "a");
        assertThat(none.exitCode()).as(CliInHome.describe(none)).isZero();
        assertThat(none.out()).isEqualTo("Cluster 'a' is already stopped\n");
        run("submit", "run", "--name", "a", "true");
        CliRun.Result staged = run("cluster", "down", "--name", "a");
        assertThat(staged.exitCode()).isZero();
        assertThat(staged.out()).isEqualTo("Cluster 'a' is already stopped; 1 staged run(s) wait in its store for the next"
                + " 'hpc-dask cluster up --name a'\n");
        CliRun.Result unknown = run("cluster", "down", "--name", "nosuch");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.NO_CLUSTER);
    }

    @Test
    void submitToAStoppedClusterStagesIntoItsStore() {
        CliRun.Result r = run("submit", "run", "--name", "a", "--label", "later", "echo", "hi");
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isZero();
        assertThat(r.out()).isEqualTo("1\n");
        assertThat(r.err()).isEqualTo("staged run 1 into stopped cluster 'a'; it will start at the next"
                + " 'hpc-dask cluster up --name a'\n");
        CliRun.Result many = run("submit", "run", "--name", "a", "--array", "1-3", "true");
        assertThat(many.out()).isEqualTo("2\n3\n4\n");
        assertThat(many.err()).contains("staged runs 2-4 into stopped cluster 'a'; they will start at the next");
        assertThat(SchedulerServer.readRuns(a.path(), "staged")).extracting(v -> v.id()).containsExactly("1", "2", "3", "4");
    }

    @Test
    void submitWaitToAStoppedClusterStagesNothing() {
        CliRun.Result r = run("submit", "run", "--name", "a", "--wait", "true");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NO_CLUSTER);
        assertThat(r.err()).contains("no cluster 'a' is running, and --wait needs one");
        assertThat(Files.exists(a.database())).isFalse();
    }
}
