package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

    @ParameterizedTest(name = "{0} -> {1} s")
    @CsvSource({
        "90, 90", "90s, 90", "10m, 600", "1h30m, 5400", "2d, 172800", "1d12h, 129600", "1h0m5s, 3605",
        "00:10:00, 600", "10:30, 630", "36:00:00, 129600", "1-12, 129600", "1-12:30, 131400", "2-01:02:03, 176523",
        " 5m , 300",
    })
    void readsEveryFormWithBareSeconds(String text, long seconds) {
        assertThat(DurationText.parse(text, ChronoUnit.SECONDS)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @CsvSource({"30, 1800", "30s, 30"})
    void aBareNumberTakesTheCallersUnit(String text, long seconds) {
        assertThat(DurationText.parse(text, ChronoUnit.MINUTES)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "0s", "00:00:00", "-5", "abc", "5 m", "1m1h", "1-24", "12:60", "1:2:3:4", "5x",
        "1.5h", "h"})
    void refusesWithTheAcceptedForms(String text) {
        assertThatThrownBy(() -> DurationText.parse(text, ChronoUnit.SECONDS))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("a number of seconds, or 90s, 10m, 1h30m, 2d, HH:MM:SS or D-HH:MM:SS");
    }

    @ParameterizedTest
    @CsvSource({"5400, 1h30m", "90, 1m30s", "172800, 2d", "0, 0s", "3605, 1h5s"})
    void formatsTheShortestUnitForm(long seconds, String text) {
        assertThat(DurationText.format(Duration.ofSeconds(seconds))).isEqualTo(text);
        if (seconds > 0) {
            assertThat(DurationText.parse(text, ChronoUnit.SECONDS)).isEqualTo(Duration.ofSeconds(seconds));
        }
    }
}
