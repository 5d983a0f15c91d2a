package io.hpcdask.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryTest {
    private final List<Duration> slept = new ArrayList<>();
    private final List<String> told = new ArrayList<>();
    private long nanos;
    /** Records the pauses; time passes only as the test says. */
    private final Retry retry = new Retry(slept::add, () -> nanos);
    private final RetryListener listener = new RetryListener() {
        @Override
        public void retrying(Exception failure, int attempt, Duration pause) {
            told.add("retrying " + failure.getMessage() + " after " + attempt + " in " + pause.toMillis());
        }

        @Override
        public void stopped(Exception failure, int attempts) {
            told.add("stopped " + failure.getMessage() + " after " + attempts);
        }
    };

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void retriesWithThePolicysPausesUntilTheCallSucceeds() throws IOException {
        String result = retry.call(RetryPolicy.exponential(Duration.ofMillis(500)).maxAttempts(5),
                f -> f instanceof IOException, listener, attempt -> {
                    if (attempt < 4) {
                        throw new IOException("down " + attempt);
                    }
                    return "up at " + attempt;
                });
        assertThat(result).isEqualTo("up at 4");
        assertThat(slept).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000), Duration.ofMillis(2000));
        assertThat(told).containsExactly("retrying down 1 after 1 in 500", "retrying down 2 after 2 in 1000",
                "retrying down 3 after 3 in 2000");
    }

    @Test
    void theLastFailureStandsOnceMaxAttemptsAreSpent() {
        int[] calls = {0};
        assertThatThrownBy(() -> retry.call(RetryPolicy.linear(Duration.ofMillis(200)).maxAttempts(3), f -> true,
                listener, attempt -> {
                    calls[0]++;
                    throw new IOException("down " + attempt);
                })).isInstanceOf(IOException.class).hasMessage("down 3");
        assertThat(calls[0]).isEqualTo(3);
        assertThat(slept).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(told).last().isEqualTo("stopped down 3 after 3");
    }

    @Test
    void maxElapsedIsReadFromTheGivenClock() {
        RetryPolicy policy = RetryPolicy.fixed(Duration.ofMillis(100)).maxElapsed(Duration.ofSeconds(1));
        assertThatThrownBy(() -> retry.call(policy, f -> true, listener, attempt -> {
            nanos += 400_000_000L; // each attempt takes 0.4 s
            throw new IllegalStateException("slow " + attempt);
        })).hasMessage("slow 3");
        assertThat(slept).hasSize(2);
    }

    @Test
    void aFailureThatIsNotRetryablePassesThroughAtOnce() {
        IllegalArgumentException refused = new IllegalArgumentException("refused");
        assertThatThrownBy(() -> retry.call(RetryPolicy.fixed(Duration.ZERO), f -> f instanceof IOException, listener,
                attempt -> {
                    throw refused;
                })).isSameAs(refused);
        assertThat(slept).isEmpty();
        assertThat(told).isEmpty();
    }

    @Test
    void anInterruptedPauseEndsTheRetriesWithTheFailureAndTheFlagSet() {
        Retry interrupted = new Retry(pause -> {
            throw new InterruptedException();
        }, () -> 0L);
        int[] calls = {0};
        assertThatThrownBy(() -> interrupted.call(RetryPolicy.fixed(Duration.ofSeconds(1)), f -> true, listener, attempt -> {
            calls[0]++;
            throw new IOException("down");
        })).isInstanceOf(IOException.class).hasMessage("down");
        assertThat(calls[0]).isEqualTo(1);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(told).containsExactly("retrying down after 1 in 1000", "stopped down after 1");
    }

    @Test
    void eachFailureGetsItsOwnPolicyAndTheAttemptsAreCountedAcrossThem() {
        RetryPolicy refusedPolicy = RetryPolicy.exponential(Duration.ofMillis(100)).maxAttempts(4);
        RetryPolicy droppedPolicy = RetryPolicy.fixed(Duration.ZERO).maxAttempts(5);
        assertThatThrownBy(() -> retry.call(f -> f.getMessage().startsWith("refused") ? refusedPolicy : droppedPolicy,
                listener, attempt -> {
                    throw new IOException((attempt <= 2 ? "dropped " : "refused ") + attempt);
                })).hasMessage("refused 4");
        assertThat(slept).containsExactly(Duration.ZERO, Duration.ZERO, Duration.ofMillis(400));
    }
}
