package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WalltimeTest {

    // How SLURM and PBS write these is tested with their batch systems (SlurmBatchSystemTest, PbsBatchSystemTest).
    @ParameterizedTest(name = "{0} -> {1} s, {2}")
    @CsvSource({
        "30, 1800, 00:30:00",          // MM
        "90, 5400, 01:30:00",
        "30:15, 1815, 00:30:15",       // MM:SS
        "00:30:00, 1800, 00:30:00",    // HH:MM:SS
        "48:00:00, 172800, 48:00:00",
        "1-12, 129600, 36:00:00",      // D-HH
        "1-12:30, 131400, 36:30:00",   // D-HH:MM
        "2-01:02:03, 176523, 49:02:03",
        "10m, 600, 00:10:00",          // the unit forms every other duration takes
        "1h30m, 5400, 01:30:00",
        "2d, 172800, 48:00:00",
    })
    void acceptsSlurmForms(String text, long seconds, String hms) {
        Walltime w = Walltime.parse(text);
        assertThat(w.seconds()).isEqualTo(seconds);
        assertThat(w.toString()).isEqualTo(hms);
        assertThat(Walltime.parse(w.toString())).isEqualTo(w);
    }

    @ParameterizedTest
    @ValueSource(strings = {"25:99:00", "abc", "", "0", "00:00:00", "1-24", "12:60", "1:2:3:4", "-5", "1-", "10x", "1h-3"})
    void rejectsWithTheAcceptedForm(String text) {
        assertThatThrownBy(() -> Walltime.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("HH:MM:SS");
    }
}
