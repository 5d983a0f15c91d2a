package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WalltimeTest {

    @ParameterizedTest(name = "{0} -> {1} s, slurm {2}, pbs {3}")
    @CsvSource({
        "30, 1800, 00:30:00, 00:30:00",          // MM
        "90, 5400, 01:30:00, 01:30:00",
        "30:15, 1815, 00:30:15, 00:30:15",       // MM:SS
        "00:30:00, 1800, 00:30:00, 00:30:00",    // HH:MM:SS
        "48:00:00, 172800, 2-00:00:00, 48:00:00",
        "1-12, 129600, 1-12:00:00, 36:00:00",    // D-HH
        "1-12:30, 131400, 1-12:30:00, 36:30:00", // D-HH:MM
        "2-01:02:03, 176523, 2-01:02:03, 49:02:03",
    })
    void acceptsSlurmForms(String text, long seconds, String slurm, String pbs) {
        Walltime w = Walltime.parse(text);
        assertThat(w.seconds()).isEqualTo(seconds);
        assertThat(w.slurm()).isEqualTo(slurm);
        assertThat(w.pbs()).isEqualTo(pbs);
        assertThat(Walltime.parse(w.pbs())).isEqualTo(w);
    }

    @ParameterizedTest
    @ValueSource(strings = {"25:99:00", "abc", "", "0", "00:00:00", "1-24", "12:60", "1:2:3:4", "-5", "1-", "10m"})
    void rejectsWithTheAcceptedForm(String text) {
        assertThatThrownBy(() -> Walltime.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("HH:MM:SS");
    }
}
