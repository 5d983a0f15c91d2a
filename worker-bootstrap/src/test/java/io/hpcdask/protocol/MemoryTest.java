package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryTest {

    @ParameterizedTest(name = "{0} -> slurm {1}, pbs {2}")
    @CsvSource({
        // binary amounts are written exactly, in the largest unit that holds them whole
        "8G, 8G, 8GB",
        "1536M, 1536M, 1536MB",
        "1024M, 1G, 1GB",
        "1.5G, 1536M, 1536MB",
        "2T, 2T, 2TB",
        "512K, 512K, 512KB",
        "8GiB, 8G, 8GB",
        "8g, 8G, 8GB",
        // decimal amounts are rounded up: SLURM in the largest binary unit with at least 1 of it,
        // PBS in the largest with at least 10
        "28GB, 27G, 27GB",
        "8GB, 8G, 7630MB",
        "1GB, 954M, 954MB",
        "500MB, 477M, 477MB",
        "1TB, 932G, 932GB",
        "7.5GB, 7G, 7153MB",
    })
    void formatsForBatchSystems(String text, String slurm, String pbs) {
        Memory m = Memory.parse(text);
        assertThat(m.slurm()).isEqualTo(slurm);
        assertThat(m.pbs()).isEqualTo(pbs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"28GB", "8GB", "1GB", "500MB", "1TB", "7.5GB", "999999KB", "3MB"})
    void decimalRequestsAreNeverBelowWhatWasAsked(String text) {
        Memory m = Memory.parse(text);
        assertThat(Memory.parse(m.slurm()).bytes()).isGreaterThanOrEqualTo(m.bytes());
        assertThat(Memory.parse(m.pbs().replace("B", "")).bytes()).isGreaterThanOrEqualTo(m.bytes());
    }

    @ParameterizedTest
    @CsvSource({"8G, 8589934592", "28GB, 28000000000", "1536M, 1610612736", "1K, 1024", "1KB, 1000"})
    void bytes(String text, long bytes) {
        assertThat(Memory.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({"8G, 8G", "28gb, 28GB", "8GiB, 8GiB", "1536m, 1536M"})
    void toStringParsesBackToTheSameAmount(String text, String canonical) {
        Memory m = Memory.parse(text);
        assertThat(m.toString()).isEqualTo(canonical);
        assertThat(Memory.parse(m.toString())).isEqualTo(m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8X", "-1G", "0", "0G", "G", "8", "", "8 G B", "1e3G", "8GBB", "99999999999T"})
    void rejectsWithTheAcceptedForm(String text) {
        assertThatThrownBy(() -> Memory.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("e.g. 8G");
    }
}
