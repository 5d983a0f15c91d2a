package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void growsWithJitterUpToTheCapAndResets() {
        Backoff b = new Backoff(100, 1_000);
        assertThat(b.nextDelayMillis()).isBetween(50L, 100L);
        assertThat(b.nextDelayMillis()).isBetween(100L, 200L);
        assertThat(b.nextDelayMillis()).isBetween(200L, 400L);
        assertThat(b.nextDelayMillis()).isBetween(400L, 800L);
        for (int i = 0; i < 100; i++) {
            assertThat(b.nextDelayMillis()).isBetween(500L, 1_000L);
        }
        b.reset();
        assertThat(b.nextDelayMillis()).isBetween(50L, 100L);
    }
}
