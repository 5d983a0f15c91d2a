package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.protocol.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerSpecTest {
    @TempDir
    Path dir;
    private Path token;

    @BeforeEach
    void token() throws Exception {
        token = Files.writeString(dir.resolve("token"), "  very-secret\n");
    }

    private WorkerSpec spec(Map<String, String> env, String... extra) throws Exception {
        String[] base = {"--scheduler", "h:1", "--token-file", token.toString(), "--name", "w"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return WorkerSpec.resolve(WorkerOptions.parse(all), env, dir.resolve("no-driver"), 1_000_000);
    }

    @Test
    void nameCarriesTheBatchJobIdSoArrayTasksDiffer() throws Exception {
        assertThat(spec(Map.of("SLURM_ARRAY_JOB_ID", "9", "SLURM_ARRAY_TASK_ID", "2")).name()).isEqualTo("w-9_2");
        assertThat(spec(Map.of()).name()).isEqualTo("w");
    }

    @Test
    void offersCoresMemoryNamedResourcesAndGpus() throws Exception {
        WorkerSpec s = spec(Map.of("CUDA_VISIBLE_DEVICES", "1,3"), "--cores", "4", "--memory", "1G", "--resources", "foo=7");
        assertThat(s.resources()).containsEntry("cores", 4L).containsEntry("memory", 1L << 30)
                .containsEntry("foo", 7L).containsEntry("gpu", 2L);
        assertThat(s.gpuIds()).containsExactly("1", "3");
        assertThat(s.slots()).isEqualTo(4);
        assertThat(s.token()).isEqualTo("very-secret");
    }

    @Test
    void theWayRunsStartIsTakenFromTheEnvironmentAndABadOneIsRefusedNamingTheChoices() throws Exception {
        assertThat(spec(Map.of()).spawnWay()).isEqualTo(SpawnWay.NATIVE);
        assertThat(spec(Map.of(SpawnWay.ENV, "")).spawnWay()).isEqualTo(SpawnWay.NATIVE);
        assertThat(spec(Map.of(SpawnWay.ENV, "perl")).spawnWay()).isEqualTo(SpawnWay.PERL);
        assertThat(spec(Map.of(SpawnWay.ENV, " JDK ")).spawnWay()).isEqualTo(SpawnWay.JDK);
        assertThatThrownBy(() -> spec(Map.of(SpawnWay.ENV, "vfork"))).isInstanceOf(UsageException.class)
                .hasMessage("HPC_DASK_WORKER_SPAWN: 'vfork' is not native, perl or jdk");
    }

    @Test
    void lifetimeSetsTheEndAndTheDrainPoint() throws Exception {
        WorkerSpec s = spec(Map.of(), "--lifetime", "00:10:00", "--lifetime-grace", "60");
        assertThat(s.endTimeMillis()).isEqualTo(1_000_000 + 600_000);
        assertThat(s.drainAtMillis()).isEqualTo(1_000_000 + 540_000);
        assertThat(spec(Map.of()).endTimeMillis()).isZero();
        // a grace longer than the lifetime drains at once rather than before the start
        assertThat(spec(Map.of(), "--lifetime", "01:00", "--lifetime-grace", "600").drainAtMillis()).isEqualTo(1_000_000);
    }

    @Test
    void tasksOfOneArrayDrainAtStaggeredTimes() throws Exception {
        String[] life = {"--lifetime", "01:00:00", "--lifetime-grace", "160"};
        long end = 1_000_000 + 3_600_000;
        assertThat(spec(Map.of("SLURM_ARRAY_JOB_ID", "9", "SLURM_ARRAY_TASK_ID", "0"), life).drainAtMillis()).isEqualTo(end - 160_000);
        assertThat(spec(Map.of("SLURM_ARRAY_JOB_ID", "9", "SLURM_ARRAY_TASK_ID", "3"), life).drainAtMillis())
                .isEqualTo(end - 160_000 - 30_000);
        assertThat(spec(Map.of("PBS_ARRAY_INDEX", "7"), life).drainAtMillis()).isEqualTo(end - 160_000 - 70_000);
        assertThat(spec(Map.of("SLURM_ARRAY_JOB_ID", "9", "SLURM_ARRAY_TASK_ID", "8"), life).drainAtMillis())
                .as("the pattern repeats every 8 tasks").isEqualTo(end - 160_000);
        assertThat(spec(Map.of(), life).drainAtMillis()).as("not an array").isEqualTo(end - 160_000);
    }

    @Test
    void theTokenNeverShowsInTextOrHello() throws Exception {
        WorkerSpec s = spec(Map.of());
        Message.Hello hello = s.hello(Map.of("r1", 1));
        assertThat(new String(s.tokenBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("very-secret");
        assertThat(hello.toString()).doesNotContain("very-secret").contains("heldRuns=[r1]");
        assertThat(new String(io.hpcdask.protocol.WireCodec.encode(hello), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("very-secret").doesNotContain("token");
        assertThat(s.toString()).doesNotContain("very-secret");
    }

    @Test
    void anUnreadableOrEmptyTokenFileIsBadInput() throws Exception {
        assertThatThrownBy(() -> WorkerSpec.readToken(dir.resolve("absent")))
                .isInstanceOf(UsageException.class).hasMessageStartingWith("--token-file: cannot read");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> WorkerSpec.readToken(empty)).hasMessageContaining("is empty");
    }
}
