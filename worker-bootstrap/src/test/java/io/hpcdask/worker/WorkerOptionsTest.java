package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.protocol.Memory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerOptionsTest {
    private static final String[] BASE = {"--scheduler", "login1:8786", "--token-file", "/t", "--name", "w"};

    private static String[] with(String... extra) {
        String[] all = new String[BASE.length + extra.length];
        System.arraycopy(BASE, 0, all, 0, BASE.length);
        System.arraycopy(extra, 0, all, BASE.length, extra.length);
        return all;
    }

    @Test
    void everyOptionIsRead() throws Exception {
        WorkerOptions o = WorkerOptions.parse(with("--cores", "4", "--memory=8G", "--resources", "gpu=2 foo=5",
                "--slots", "6", "--lifetime", "00:30:00", "--death-timeout", "15", "--local-directory", "/scratch",
                "--lifetime-grace", "30"));
        assertThat(o.schedulerAddress().host()).isEqualTo("login1");
        assertThat(o.schedulerAddress().port()).isEqualTo(8786);
        assertThat(o.tokenFile()).isEqualTo(Path.of("/t"));
        assertThat(o.name()).isEqualTo("w");
        assertThat(o.cores()).isEqualTo(4);
        assertThat(o.memory()).isEqualTo(Memory.parse("8G"));
        assertThat(o.resources().amounts()).containsEntry("gpu", 2L).containsEntry("foo", 5L);
        assertThat(o.slots()).isEqualTo(6);
        assertThat(o.lifetime().seconds()).isEqualTo(1800);
        assertThat(o.deathTimeoutSeconds()).isEqualTo(15);
        assertThat(o.localDirectory()).isEqualTo(Path.of("/scratch"));
        assertThat(o.lifetimeGraceSeconds()).isEqualTo(30);
    }

    @Test
    void defaultsLeaveNodeFactsToFillIn() throws Exception {
        WorkerOptions o = WorkerOptions.parse(BASE);
        assertThat(o.cores()).isZero();
        assertThat(o.memory()).isNull();
        assertThat(o.slots()).isZero();
        assertThat(o.resources().isEmpty()).isTrue();
        assertThat(o.lifetime()).isNull();
        assertThat(o.deathTimeoutSeconds()).isEqualTo(60);
        assertThat(o.lifetimeGraceSeconds()).isEqualTo(120);
    }

    @Test
    void ipv6SchedulerInBrackets() throws Exception {
        WorkerOptions o = WorkerOptions.parse(new String[] {"--scheduler", "[::1]:9000", "--token-file", "t", "--name", "w"});
        assertThat(o.schedulerAddress().host()).isEqualTo("::1");
        assertThat(o.schedulerAddress().port()).isEqualTo(9000);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--cores|0|--cores: '0' is not a whole number of cores >= 1",
        "--cores|many|--cores: 'many' is not a whole number of cores >= 1",
        "--slots|-1|--slots: '-1' is not a whole number of slots >= 1",
        "--memory|lots|--memory: 'lots' is not a positive amount with a unit",
        "--resources|gpu|--resources: 'gpu' has no '='; expected space-separated NAME=COUNT pairs",
        "--resources|cores=4|--resources: 'cores' is set with --cores, not here",
        "--lifetime|soon|--lifetime: 'soon' is not a duration: a number of minutes, or 90s, 10m, 1h30m, 2d, HH:MM:SS or D-HH:MM:SS",
        "--death-timeout|0|--death-timeout: '0' is not a whole number of seconds >= 1",
        "--lifetime-grace|x|--lifetime-grace: 'x' is not a whole number of seconds >= 0",
    })
    void badValuesNameTheOptionAndTheAcceptedForm(String option, String value, String message) {
        assertThatThrownBy(() -> WorkerOptions.parse(with(option, value)))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void schedulerMustBeHostColonPort() {
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] {"--scheduler", "login1", "--token-file", "t", "--name", "w"}))
                .hasMessage("--scheduler: 'login1' is not HOST:PORT, e.g. login1:8786");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] {"--scheduler", "h:99999", "--token-file", "t", "--name", "w"}))
                .hasMessage("--scheduler: '99999' is not HOST:PORT with a PORT from 1 to 65535");
    }

    @Test
    void namesAreSafeWords() {
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] {"--scheduler", "h:1", "--token-file", "t", "--name", "a b"}))
                .hasMessageStartingWith("--name: 'a b' must be letters, digits");
    }

    @Test
    void requiredOptionsAreNamed() {
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] {"--scheduler", "h:1", "--name", "w"}))
                .hasMessageStartingWith("--token-file is required");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] {"--token-file", "t", "--name", "w"}))
                .hasMessageStartingWith("--scheduler is required");
    }

    @Test
    void unknownMissingAndRepeatedOptionsAreRejected() {
        assertThatThrownBy(() -> WorkerOptions.parse(with("--token", "secret")))
                .hasMessageStartingWith("unknown argument '--token'; usage: hpc-dask-worker");
        assertThatThrownBy(() -> WorkerOptions.parse(with("--cores")))
                .hasMessageStartingWith("--cores: missing value");
        assertThatThrownBy(() -> WorkerOptions.parse(with("--name", "again")))
                .hasMessage("--name: given more than once");
    }

    @Test
    void mainReturnsTwoForBadInput() {
        assertThat(WorkerMain.run(with("--cores", "x"), java.util.Map.of())).isEqualTo(2);
    }
}
