package io.hpcdask.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The adaptive share of runs sent ahead ({@link CoreConfig#AHEAD_ADAPTIVE}): a worker holds as many runs as it got
 * through in {@value AheadRuns#BUDGET_MILLIS} ms lately, at least one and at most
 * {@value AheadRuns#MAX_ADAPTIVE_PER_SLOT} per slot. One worker runs its queue in order, one run at a time; the clock
 * is explicit.
 */
class AdaptiveAheadTest {
    private static final WorkerId W0 = WorkerId.of("w0");
    /** Runs this long make a share of 4: the budget is a whole number of them. */
    private static final long QUARTER = AheadRuns.BUDGET_MILLIS / 4;
    private final RecordingOutbox out = new RecordingOutbox();
    private SchedulerCore<Object> core;
    private long now = 1_000;
    /** Runs w0 was sent and has not started, in order; the one it runs. */
    private final Deque<String> queue = new ArrayDeque<>();
    private String running;
    private int sent;

    private void cluster(int aheadPerSlot, int slots) {
        cluster(aheadPerSlot, slots, 400);
    }

    private void cluster(int aheadPerSlot, int slots, int runCount) {
        core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 50, 5_000, 1_000).withAheadPerSlot(aheadPerSlot), out);
        core.start(now);
        core.workerJoined(new WorkerSpec(W0, "h", "", Map.of("cores", (long) slots), slots, List.of(), Long.MAX_VALUE,
                2_000), List.of(), now);
        stage(0, runCount);
    }

    private void stage(int from, int runCount) {
        List<NewRun<Object>> runs = new ArrayList<>();
        for (int i = from; i < from + runCount; i++) {
            runs.add(new NewRun<>(RunId.of("r" + i), Map.of(), null));
        }
        core.runsStaged(runs, now);
        takeStarts();
        if (running == null) {
            running = queue.poll();
        }
    }

    private void takeStarts() {
        for (; sent < out.starts.size(); sent++) {
            queue.add(out.starts.get(sent).runId());
        }
    }

    /**
     * The running run ends {@code millis} after the last end (or its start), and w0 starts its next one at once, as a
     * worker with runs ahead does. Returns the runs then ahead.
     */
    private int step(long millis) {
        now += millis;
        core.runFinished(RunId.of(running), W0, 0, 0, false, null, false, now);
        takeStarts();
        running = queue.poll();
        if (running != null) {
            core.runStarted(RunId.of(running), W0, 0, now);
            takeStarts();
        }
        return core.aheadCount();
    }

    /** The most runs held ahead over {@code steps} runs of {@code millis}, checking each against {@code bound}. */
    private int mostAhead(int steps, long millis, int bound) {
        int most = 0;
        for (int i = 0; i < steps; i++) {
            int ahead = step(millis);
            assertThat(ahead).as("runs ahead after %d runs of %d ms", i + 1, millis).isLessThanOrEqualTo(bound);
            most = Math.max(most, ahead);
        }
        return most;
    }

    @Test
    void beforeAnyRunEndedAWorkerHoldsOneRunAheadPerSlot() {
        cluster(CoreConfig.AHEAD_ADAPTIVE, 1);
        assertThat(core.aheadCount()).isEqualTo(1);
        assertThat(core.runningCount()).isEqualTo(1);
    }

    @Test
    void shortRunsGetADeeperShareOfAFewMillisecondsOfWork() {
        cluster(CoreConfig.AHEAD_ADAPTIVE, 1);
        assertThat(mostAhead(40, QUARTER, 4)).as("the budget's work in runs of a quarter of it").isEqualTo(4);
    }

    @Test
    void runsEndingWithinTheClocksTickAreSentAtMostTheCapAhead() {
        cluster(CoreConfig.AHEAD_ADAPTIVE, 1);
        assertThat(mostAhead(60, 0, AheadRuns.MAX_ADAPTIVE_PER_SLOT)).isEqualTo(AheadRuns.MAX_ADAPTIVE_PER_SLOT);
    }

    @Test
    void longRunsKeepOneAhead() {
        cluster(CoreConfig.AHEAD_ADAPTIVE, 1);
        assertThat(mostAhead(30, 100, 1)).isEqualTo(1);
        assertThat(mostAhead(30, AheadRuns.BUDGET_MILLIS, 1)).as("runs as long as the budget").isEqualTo(1);
    }

    @Test
    void runsOfHalfTheBudgetGetTwo() {
        cluster(CoreConfig.AHEAD_ADAPTIVE, 1);
        assertThat(mostAhead(30, AheadRuns.BUDGET_MILLIS / 2, 2)).isEqualTo(2);
    }

    @Test
    void aWorkerWhoseRunsGrowLongerIsSentNoMoreUntilItsQueueIsBelowItsNewShare() {
        cluster(CoreConfig.AHEAD_ADAPTIVE, 1);
        mostAhead(60, 0, AheadRuns.MAX_ADAPTIVE_PER_SLOT);
        int before = core.aheadCount();
        int[] ahead = new int[40];
        for (int i = 0; i < ahead.length; i++) {
            ahead[i] = step(200);
        }
        assertThat(ahead[0]).as("one run of 200 ms halves the pace's room at most").isLessThanOrEqualTo(before);
        for (int i = 1; i < ahead.length; i++) {
            assertThat(ahead[i]).as("never refilled while above its share").isLessThanOrEqualTo(ahead[i - 1]);
        }
        assertThat(ahead[ahead.length - 1]).as("long runs now: one ahead").isEqualTo(1);
    }

    @Test
    void timeAWorkerWaitedForRunsIsNotCountedAsWork() {
        cluster(CoreConfig.AHEAD_ADAPTIVE, 1, 40);
        mostAhead(30, QUARTER, 4);
        while (running != null) {
            step(QUARTER); // the last runs: nothing more ahead
        }
        now += 60_000; // idle for a minute
        stage(40, 200);
        assertThat(core.aheadCount()).isEqualTo(4);
        assertThat(mostAhead(30, QUARTER, 4)).as("still short runs: the minute idle was not one long run").isEqualTo(4);
    }

    @Test
    void theShareIsAtLeastOneAndAtMostTheCapPerSlot() {
        cluster(CoreConfig.AHEAD_ADAPTIVE, 2);
        assertThat(core.aheadCount()).as("none known yet: one per slot").isEqualTo(2);
        assertThat(mostAhead(30, 100, 2)).isEqualTo(2);
        assertThat(mostAhead(80, 0, 2 * AheadRuns.MAX_ADAPTIVE_PER_SLOT)).isEqualTo(2 * AheadRuns.MAX_ADAPTIVE_PER_SLOT);
    }

    @Test
    void aFixedNumberPerSlotOverridesThePace() {
        cluster(2, 1);
        assertThat(mostAhead(40, 0, 2)).isEqualTo(2);
        cluster(0, 1);
        assertThat(core.aheadCount()).as("0: none ahead").isZero();
    }
}
