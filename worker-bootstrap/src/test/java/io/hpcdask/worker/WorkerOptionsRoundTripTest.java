package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Resources;
import io.hpcdask.protocol.Walltime;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What a launcher renders, the worker parses back to the same values: the two sides of one command line. */
class WorkerOptionsRoundTripTest {
    /** Path values may hold anything but NUL; a job script quotes them, an argv carries them as they are. */
    private static final String HOSTILE_PATH = "/scratch/a b/'single' \"double\" $HOME ${X} `id` ;|&<>*?\\\nsecond line";

    static Stream<WorkerOptions> options() {
        return Stream.of(
                WorkerOptions.builder("login1:8786", "/t", "w").build(),
                WorkerOptions.builder("[::1]:8786", HOSTILE_PATH, "dask-cpu_1.2@n+[3]").cores(32)
                        .memory(Memory.parse("1536M")).resources(Resources.parse("gpu=1 foo_bar.x-y=5")).slots(6)
                        .lifetime(Walltime.parse("1-12:00:00")).deathTimeoutSeconds(120L).leaseSeconds(30L)
                        .lifetimeGraceSeconds(0L).localDirectory(HOSTILE_PATH).build(),
                WorkerOptions.builder("10.0.0.5:1", "t", "w").memory(Memory.parse("28GB"))
                        .lifetime(Walltime.parse("90")).localDirectory("$TMPDIR/dask").build());
    }

    @ParameterizedTest
    @MethodSource("options")
    void parsingTheRenderedArgvGivesTheSameOptions(WorkerOptions given) throws Exception {
        WorkerOptions parsed = WorkerOptions.parse(given.argv().toArray(String[]::new));
        assertThat(parsed).isEqualTo(given);
        assertThat(parsed.argv()).isEqualTo(given.argv());
    }

    @Test
    void everyFlagComesBackAsItsTypedValue() throws Exception {
        WorkerOptions given = options().skip(1).findFirst().orElseThrow();
        WorkerOptions o = WorkerOptions.parse(given.argv().toArray(String[]::new));
        assertThat(o.schedulerAddress()).isEqualTo(new HostPort("::1", 8786));
        assertThat(o.tokenFile()).isEqualTo(Path.of(HOSTILE_PATH));
        assertThat(o.name()).isEqualTo("dask-cpu_1.2@n+[3]");
        assertThat(o.cores()).isEqualTo(32);
        assertThat(o.memory().bytes()).isEqualTo(1536L << 20);
        assertThat(o.resources().amounts()).isEqualTo(java.util.Map.of("gpu", 1L, "foo_bar.x-y", 5L));
        assertThat(o.slots()).isEqualTo(6);
        assertThat(o.lifetime().seconds()).isEqualTo(36 * 3600);
        assertThat(o.deathTimeoutSeconds()).isEqualTo(120);
        assertThat(o.leaseSeconds()).isEqualTo(30);
        assertThat(o.lifetimeGraceSeconds()).isZero();
        assertThat(o.localDirectory()).isEqualTo(Path.of(HOSTILE_PATH));
    }

    @Test
    void everyFlagIsRenderedWhenGiven() {
        WorkerOptions all = options().skip(1).findFirst().orElseThrow();
        assertThat(all.argv()).containsAll(Stream.of(WorkerFlag.values()).map(WorkerFlag::toString).toList());
    }

    @Test
    void onlyWhatWasGivenIsRendered() {
        assertThat(WorkerOptions.builder("h:1", "/t", "w").resources(Resources.NONE).build().argv())
                .containsExactly("--scheduler", "h:1", "--token-file", "/t", "--name", "w");
    }

    @Test
    void theOrderIsTheJobScriptsAndTheLocalDirectoryMayExpandOnTheNode() {
        WorkerOptions all = options().skip(1).findFirst().orElseThrow();
        List<String> flags = all.argv().stream().filter(w -> w.startsWith("--")).toList();
        assertThat(flags).containsExactly("--scheduler", "--token-file", "--name", "--cores", "--memory", "--resources",
                "--slots", "--lifetime", "--death-timeout", "--lease", "--lifetime-grace", "--local-directory");
    }

    @Test
    void usageListsEveryFlagAsBefore() {
        assertThat(WorkerFlag.USAGE).isEqualTo("usage: hpc-dask-worker --scheduler HOST:PORT --token-file FILE --name NAME"
                + " [--cores N] [--memory 8G] [--resources 'gpu=2 foo=5'] [--slots N] [--lifetime HH:MM:SS]"
                + " [--death-timeout SECONDS] [--local-directory DIR] [--lifetime-grace SECONDS] [--lease SECONDS]");
    }
}
