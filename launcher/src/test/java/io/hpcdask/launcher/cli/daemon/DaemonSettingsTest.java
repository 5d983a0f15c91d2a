package io.hpcdask.launcher.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonSettingsTest {
    @Test
    void idleTimeInSecondsOrWithAUnitDefaultHalfAnHour() {
        assertThat(DaemonSettings.idle(Map.of())).isEqualTo(Duration.ofMinutes(30));
        assertThat(DaemonSettings.idle(Map.of(DaemonSettings.IDLE, "90"))).isEqualTo(Duration.ofSeconds(90));
        assertThat(DaemonSettings.idle(Map.of(DaemonSettings.IDLE, "90s"))).isEqualTo(Duration.ofSeconds(90));
        assertThat(DaemonSettings.idle(Map.of(DaemonSettings.IDLE, "5m"))).isEqualTo(Duration.ofMinutes(5));
        assertThat(DaemonSettings.idle(Map.of(DaemonSettings.IDLE, "2h"))).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> DaemonSettings.idle(Map.of(DaemonSettings.IDLE, "soon")))
                .hasMessage("HPC_DASK_CLI_DAEMON_IDLE: 'soon' is not a duration; expected a whole number of seconds, or with a"
                        + " unit s, m or h (e.g. 90, 30m, 2h)");
    }

    @Test
    void onlyZeroTurnsItOff() {
        assertThat(DaemonSettings.enabled(Map.of())).isTrue();
        assertThat(DaemonSettings.enabled(Map.of(DaemonSettings.ENABLED, "1"))).isTrue();
        assertThat(DaemonSettings.enabled(Map.of(DaemonSettings.ENABLED, "0"))).isFalse();
    }
}
