package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourcesTest {

    @Test
    void parsesPairsInOrder() {
        Resources r = Resources.parse("  gpu=1   foo=5 ");
        assertThat(r.amounts()).containsExactly(Map.entry("gpu", 1L), Map.entry("foo", 5L));
        assertThat(r).hasToString("gpu=1 foo=5");
        assertThat(Resources.parse(r.toString())).isEqualTo(r);
    }

    @Test
    void laterPairWinsAndBlankIsNone() {
        assertThat(Resources.parse("a=1 a=3").amounts()).containsExactly(Map.entry("a", 3L));
        assertThat(Resources.parse(" ").isEmpty()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "gpu=-1", "=3", "gpu=1.5", "gpu=", "9x=1", "a=1 b", "g$u=1"})
    void rejectsWithTheAcceptedForm(String text) {
        assertThatThrownBy(() -> Resources.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("NAME=COUNT");
    }
}
