package io.hpcdask.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressPacerTest {
    private long now = 1_000_000_000L;
    private int sent;
    private final List<Runnable> pending = new ArrayList<>();
    private final List<Long> delays = new ArrayList<>();
    private final ProgressPacer pacer = new ProgressPacer((task, nanos) -> {
        pending.add(task);
        delays.add(nanos);
    }, () -> now, () -> sent++);

    private void advanceMillis(long ms) {
        now += TimeUnit.MILLISECONDS.toNanos(ms);
    }

    private void firePending() {
        List<Runnable> due = new ArrayList<>(pending);
        pending.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void theFirstChangeGoesOutAtOnce() {
        pacer.changed();
        assertThat(sent).isEqualTo(1);
        assertThat(pending).isEmpty();
    }

    @Test
    void changesWithinThePaceAreSentOnceWhenItIsOver() {
        pacer.changed();
        advanceMillis(10);
        for (int i = 0; i < 500; i++) {
            pacer.changed();
        }
        assertThat(sent).isEqualTo(1);
        assertThat(pending).hasSize(1);
        assertThat(delays.get(0)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(ProgressPacer.PACE_MILLIS - 10));

        advanceMillis(ProgressPacer.PACE_MILLIS - 10);
        firePending();
        assertThat(sent).isEqualTo(2);
        // the pace starts again from that send
        advanceMillis(50);
        pacer.changed();
        assertThat(sent).isEqualTo(2);
        assertThat(pending).hasSize(1);
    }

    @Test
    void aChangeAfterAQuietSpellGoesOutAtOnce() {
        pacer.changed();
        advanceMillis(ProgressPacer.PACE_MILLIS);
        pacer.changed();
        assertThat(sent).isEqualTo(2);
        assertThat(pending).isEmpty();
    }
}
