package io.hpcdask.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static List<Long> pausesMillis(RetryPolicy policy, int attempts) {
        return IntStream.rangeClosed(1, attempts)
                .mapToObj(n -> policy.delayAfter(n, Duration.ZERO).map(Duration::toMillis).orElse(-1L)).toList();
    }

    @Test
    void exponentialDoublesFromTheFirstPauseUpToTheCap() {
        assertThat(pausesMillis(RetryPolicy.exponential(Duration.ofMillis(500)), 4)).containsExactly(500L, 1000L, 2000L, 4000L);
        assertThat(pausesMillis(RetryPolicy.exponential(Duration.ofMillis(100)).cappedAt(Duration.ofMillis(1000)), 6))
                .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
        assertThat(RetryPolicy.exponential(Duration.ofMillis(100)).delayAfter(10_000, Duration.ZERO)).isPresent();
    }

    @Test
    void linearAndFixedPauses() {
        assertThat(pausesMillis(RetryPolicy.linear(Duration.ofMillis(200)), 3)).containsExactly(200L, 400L, 600L);
        assertThat(pausesMillis(RetryPolicy.fixed(Duration.ZERO), 3)).containsExactly(0L, 0L, 0L);
    }

    @Test
    void maxAttemptsAllowsThatManyAttemptsInAll() {
        RetryPolicy policy = RetryPolicy.exponential(Duration.ofMillis(100)).maxAttempts(4);
        assertThat(pausesMillis(policy, 5)).containsExactly(100L, 200L, 400L, -1L, -1L);
    }

    @Test
    void maxElapsedStopsOnceTheLimitHasPassed() {
        RetryPolicy policy = RetryPolicy.fixed(Duration.ofMillis(10)).maxElapsed(Duration.ofSeconds(1));
        assertThat(policy.delayAfter(7, Duration.ofMillis(999))).contains(Duration.ofMillis(10));
        assertThat(policy.delayAfter(1, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void equalJitterDrawsBetweenHalfAndAllOfThePause() {
        RandomGenerator lowest = () -> 0L;
        RetryPolicy policy = RetryPolicy.fixed(Duration.ofMillis(1000));
        assertThat(policy.withEqualJitter(lowest).delayAfter(1, Duration.ZERO)).contains(Duration.ofMillis(500));
        RandomGenerator highest = new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public long nextLong(long bound) {
                return bound - 1;
            }
        };
        assertThat(policy.withEqualJitter(highest).delayAfter(1, Duration.ZERO)).contains(Duration.ofMillis(1000));
    }

    @Test
    void allowRetrySleepsThePauseThroughTheSleeperZeroIncluded() {
        List<Duration> slept = new ArrayList<>();
        RetryPolicy policy = RetryPolicy.linear(Duration.ofMillis(100)).maxAttempts(3);
        assertThat(policy.allowRetry(1, Duration.ZERO, slept::add)).isTrue();
        assertThat(policy.allowRetry(2, Duration.ZERO, slept::add)).isTrue();
        assertThat(policy.allowRetry(3, Duration.ZERO, slept::add)).isFalse();
        assertThat(RetryPolicy.fixed(Duration.ZERO).allowRetry(1, Duration.ZERO, slept::add)).isTrue();
        assertThat(slept).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ZERO);
    }

    @Test
    void anInterruptedPauseAllowsNoRetryAndKeepsTheFlag() {
        RetrySleeper interrupted = pause -> {
            throw new InterruptedException();
        };
        try {
            assertThat(RetryPolicy.fixed(Duration.ofSeconds(1)).allowRetry(1, Duration.ZERO, interrupted)).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theThreadSleeperReturnsAtOnceForAZeroPause() throws InterruptedException {
        Thread.currentThread().interrupt(); // a real sleep would throw at once
        try {
            RetrySleeper.THREAD.sleepFor(Duration.ZERO);
        } finally {
            assertThat(Thread.interrupted()).isTrue();
        }
    }
}
