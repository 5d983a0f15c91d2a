package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectFailureLogTest {
    private final ConnectFailureLog log = new ConnectFailureLog();

    @Test
    void theFirstFailureThenChangesThenEveryThirtySeconds() {
        assertThat(log.record("connection refused", 0)).isEqualTo("connection refused");
        assertThat(log.record("connection refused", 1_000)).isNull();
        assertThat(log.record("connection refused", 2_000)).isNull();
        assertThat(log.record("timed out", 3_000)).isEqualTo("timed out (2 more attempt(s) failed since the last report)");
        assertThat(log.record("timed out", 20_000)).isNull();
        assertThat(log.record("timed out", 33_000)).isEqualTo("timed out (1 more attempt(s) failed since the last report)");
        assertThat(log.lastCause()).isEqualTo("timed out");
    }

    @Test
    void aConnectionStartsAfresh() {
        log.record("connection refused", 0);
        log.reset();
        assertThat(log.lastCause()).isNull();
        assertThat(log.record("connection refused", 1_000)).isEqualTo("connection refused");
    }
}
