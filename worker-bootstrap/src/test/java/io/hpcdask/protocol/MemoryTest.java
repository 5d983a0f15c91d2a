package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryTest {

    // How SLURM and PBS write amounts (and that they never ask for less) is tested with their batch systems
    // (SlurmBatchSystemTest, PbsBatchSystemTest); here, the two ways of writing that they are built from.
    @ParameterizedTest
    @CsvSource({"8G, 8G", "1536M, 1536M", "1024M, 1G", "1.5G, 1536M", "512K, 512K"})
    void exactInLargestWholeUnit(String text, String written) {
        assertThat(Memory.parse(text).exactInLargestWholeUnit("")).isEqualTo(written);
        assertThat(Memory.ofBytes(1000).exactInLargestWholeUnit("B")).isEqualTo("1KB");
    }

    @ParameterizedTest
    @CsvSource({"28GB, 1, 27G", "8GB, 10, 7630M", "1TB, 1, 932G", "3MB, 10, 2930K"})
    void ceilInUnitWithAtLeast(String text, long minimum, String written) {
        assertThat(Memory.parse(text).ceilInUnitWithAtLeast(minimum, "")).isEqualTo(written);
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
