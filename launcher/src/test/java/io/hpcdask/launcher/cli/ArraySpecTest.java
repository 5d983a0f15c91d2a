package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArraySpecTest {
    @Test
    void expandsRangesAndSingleIndexes() {
        assertThat(ArraySpec.parse("1-3")).containsExactly(1L, 2L, 3L);
        assertThat(ArraySpec.parse("1,4,10-12")).containsExactly(1L, 4L, 10L, 11L, 12L);
        assertThat(ArraySpec.parse("1-10000")).hasSize(10_000).endsWith(10_000L);
    }

    @Test
    void refusesMalformedRangesNamingTheOption() {
        assertThatThrownBy(() -> ArraySpec.parse("5-1")).isInstanceOf(BadInputException.class).hasMessageStartingWith("--array: '5-1' ends before it starts");
        assertThatThrownBy(() -> ArraySpec.parse("a-b")).isInstanceOf(BadInputException.class).hasMessageContaining("FIRST-LAST");
        assertThatThrownBy(() -> ArraySpec.parse("1-")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> ArraySpec.parse("0-2000000")).isInstanceOf(BadInputException.class).hasMessageContaining("more than");
    }
}
