package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvAssignmentsTest {
    @Test
    void keepsValuesVerbatimIncludingEqualsAndEmpty() {
        assertThat(EnvAssignments.parse(List.of("A=1", "B=x=y", "C=", "D=$(rm -rf /)")))
                .containsExactly(java.util.Map.entry("A", "1"), java.util.Map.entry("B", "x=y"),
                        java.util.Map.entry("C", ""), java.util.Map.entry("D", "$(rm -rf /)"));
    }

    @Test
    void refusesMissingOrBadNames() {
        assertThatThrownBy(() -> EnvAssignments.parse(List.of("NOVALUE"))).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("--env: 'NOVALUE' is not NAME=VALUE");
        assertThatThrownBy(() -> EnvAssignments.parse(List.of("1A=2"))).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> EnvAssignments.parse(List.of("=2"))).isInstanceOf(BadInputException.class);
    }
}
