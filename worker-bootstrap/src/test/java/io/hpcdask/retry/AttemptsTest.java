package io.hpcdask.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AttemptsTest {
    /** Moved from the worker's former Backoff: the policy of the worker's link to the scheduler, capped at 1 s. */
    @Test
    void growsWithJitterUpToTheCapAndResets() {
        Attempts b = new Attempts(RetryPolicy.exponential(Duration.ofMillis(100)).cappedAt(Duration.ofMillis(1_000))
                .withEqualJitter(new Random()), System::nanoTime);
        assertThat(b.failed().orElseThrow().toMillis()).isBetween(50L, 100L);
        assertThat(b.failed().orElseThrow().toMillis()).isBetween(100L, 200L);
        assertThat(b.failed().orElseThrow().toMillis()).isBetween(200L, 400L);
        assertThat(b.failed().orElseThrow().toMillis()).isBetween(400L, 800L);
        for (int i = 0; i < 100; i++) {
            assertThat(b.failed().orElseThrow().toMillis()).isBetween(500L, 1_000L);
        }
        b.reset();
        assertThat(b.failed().orElseThrow().toMillis()).isBetween(50L, 100L);
    }

    @Test
    void elapsedRunsFromTheFirstFailureOfASeries() {
        long[] now = {5_000_000_000L};
        Attempts a = new Attempts(RetryPolicy.fixed(Duration.ofMillis(10)).maxElapsed(Duration.ofSeconds(2)), () -> now[0]);
        assertThat(a.failed()).contains(Duration.ofMillis(10));
        now[0] += 1_999_000_000L;
        assertThat(a.failed()).contains(Duration.ofMillis(10));
        now[0] += 1_000_000L;
        assertThat(a.failed()).isEmpty();
        a.reset();
        now[0] += 60_000_000_000L;
        assertThat(a.failed()).contains(Duration.ofMillis(10));
    }
}
