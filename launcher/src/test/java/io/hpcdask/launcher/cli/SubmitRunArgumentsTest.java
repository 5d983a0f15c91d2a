package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.ClusterHome;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.server.SchedulerServer;
import io.hpcdask.server.api.RunView;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit run CMD ARGS...} needs no {@code --}: hpc-dask's options end at the command. Checked on what the store
 * of a stopped cluster holds after each submission (staged there, so no server is needed to see the parse).
 */
class SubmitRunArgumentsTest {
    @TempDir
    Path home;
    private ClusterDir dir;

    @BeforeEach
    void stoppedCluster() {
        dir = new ClusterHome(home).cluster("a").create();
    }

    private List<RunView> submit(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "submit";
        full[1] = "run";
        full[2] = "--name=a";
        System.arraycopy(args, 0, full, 3, args.length);
        CliRun.Result r = CliInHome.run(home, full);
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isZero();
        List<String> ids = r.out().lines().toList();
        return SchedulerServer.readRuns(dir.path(), null).stream().filter(v -> ids.contains(v.id())).toList();
    }

    @Test
    void theCommandsOwnOptionsAreItsOwnWithoutDoubleDash() {
        RunView run = submit("python3", "-c", "print(1)").get(0);
        assertThat(run.argv()).containsExactly("python3", "-c", "print(1)");
    }

    @Test
    void ourOptionsAfterTheCommandGoToTheCommand() {
        RunView run = submit("echo", "hi", "--tag", "dask:gpu=1", "--label", "x").get(0);
        assertThat(run.argv()).containsExactly("echo", "hi", "--tag", "dask:gpu=1", "--label", "x");
        assertThat(run.label()).isNull();
        assertThat(run.requires()).doesNotContainKey("gpu");
    }

    @Test
    void ourOptionsBeforeTheCommandAreOurs() {
        RunView run = submit("--tag", "dask:gpu=1", "--label", "train", "--env", "A=1", "python", "train.py", "--epochs", "3").get(0);
        assertThat(run.argv()).containsExactly("python", "train.py", "--epochs", "3");
        assertThat(run.label()).isEqualTo("train");
        assertThat(run.requires()).containsEntry("gpu", 1L);
    }

    @Test
    void doubleDashStillEndsOurOptions() {
        RunView run = submit("--label", "l", "--", "ls", "-l", "--name", "x").get(0);
        assertThat(run.argv()).containsExactly("ls", "-l", "--name", "x");
        assertThat(run.label()).isEqualTo("l");
    }

    @Test
    void arrayAndShellStillParse() {
        List<RunView> runs = submit("--array", "1-3", "--shell", "echo", "$HPC_DASK_ARRAY_INDEX", "-n");
        assertThat(runs).hasSize(3);
        assertThat(runs).allSatisfy(r -> assertThat(r.argv()).hasSize(1).first().asString()
                .contains("echo").contains("$HPC_DASK_ARRAY_INDEX").endsWith("-n"));
    }

    @Test
    void anUnknownOptionBeforeTheCommandIsStillBadInput() {
        CliRun.Result r = CliInHome.run(home, "submit", "run", "--name=a", "--bogus", "echo");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("Unknown option: '--bogus'");
        assertThat(java.nio.file.Files.exists(dir.database())).isFalse();
    }

    @Test
    void helpShowsExamplesAndTheOptionsFirstRule() {
        String help = CliInHome.run(home, "submit", "run", "--help").out();
        assertThat(help).contains("Examples:").contains("hpc-dask submit run python3 -c 'print(1)'")
                .contains("options come before the command");
    }
}
