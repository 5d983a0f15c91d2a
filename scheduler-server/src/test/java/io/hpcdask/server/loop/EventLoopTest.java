package io.hpcdask.server.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class EventLoopTest {
    @Test
    void tasksRunInOrderOnOneThreadAndTicksComeBetween() {
        List<Long> ticks = new CopyOnWriteArrayList<>();
        EventLoop loop = new EventLoop("test-loop", System::currentTimeMillis, 20, ticks::add,
                LoggerFactory.getLogger("test"));
        loop.start();
        try {
            List<Integer> seen = new CopyOnWriteArrayList<>();
            List<String> threads = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                loop.execute(() -> {
                    seen.add(n);
                    threads.add(Thread.currentThread().getName());
                });
            }
            assertThat(loop.call(seen::size)).isEqualTo(100);
            assertThat(seen).isSorted();
            assertThat(threads).containsOnly("test-loop");
            await().atMost(Duration.ofSeconds(10)).until(() -> ticks.size() >= 3);
            assertThat(ticks).isSorted();
        } finally {
            loop.close();
        }
    }

    /** With ticks an hour apart, a tick still comes when the wake-up time (a run's time limit) passes. */
    @Test
    void theLoopWakesForTheNextDeadlineBetweenTicks() {
        List<Long> ticks = new CopyOnWriteArrayList<>();
        EventLoop loop = new EventLoop("test-loop", System::currentTimeMillis, 3_600_000, ticks::add,
                LoggerFactory.getLogger("test"));
        long deadline = System.currentTimeMillis() + 300;
        java.util.concurrent.atomic.AtomicLong wake = new java.util.concurrent.atomic.AtomicLong(deadline);
        loop.wakeAt(wake::get);
        loop.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !ticks.isEmpty());
            assertThat(ticks.get(0)).isGreaterThanOrEqualTo(deadline);
            wake.set(Long.MAX_VALUE);
        } finally {
            loop.close();
        }
    }

    @Test
    void aFailingTaskDoesNotStopTheLoopAndCallsSeeTheirErrors() {
        EventLoop loop = new EventLoop("test-loop", System::currentTimeMillis, 1_000, now -> { },
                LoggerFactory.getLogger("test"));
        loop.start();
        AtomicInteger after = new AtomicInteger();
        loop.execute(() -> {
            throw new IllegalStateException("boom");
        });
        loop.execute(after::incrementAndGet);
        assertThatThrownBy(() -> loop.call(() -> {
            throw new IllegalArgumentException("bad");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("bad");
        assertThat(loop.call(after::get)).isEqualTo(1);
        loop.close();
        assertThat(loop.execute(after::incrementAndGet)).isFalse();
        assertThatThrownBy(() -> loop.call(after::get)).isInstanceOf(IllegalStateException.class);
        assertThat(after.get()).isEqualTo(1);
    }

    @Test
    void aLazyTaskRunsBeforeTheNextTaskQueuedAfterItOrAtTheNextTick() {
        List<String> seen = new CopyOnWriteArrayList<>();
        EventLoop loop = new EventLoop("test-loop", System::currentTimeMillis, 50, now -> seen.add("tick"),
                LoggerFactory.getLogger("test"));
        loop.start();
        try {
            assertThat(loop.executeLazily(() -> seen.add("lazy 1"))).isTrue();
            loop.execute(() -> seen.add("task"));
            assertThat(loop.call(() -> List.copyOf(seen))).containsSubsequence("lazy 1", "task");

            loop.executeLazily(() -> seen.add("lazy 2"));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("lazy 2"));
            assertThat(seen.indexOf("lazy 2")).as("started by a tick, nothing else came")
                    .isGreaterThan(seen.indexOf("task"));
        } finally {
            loop.close();
        }
        assertThat(loop.executeLazily(() -> seen.add("late"))).isFalse();
    }

    /**
     * Calls {@code task} through {@link EventLoop#executeHere} from a thread of its own until one call ran it there (the
     * loop thread may still be ending a turn at the first); {@code task} must bear running more than once.
     */
    private static void runHere(EventLoop loop, String threadName, Runnable task) throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean ranHere = new java.util.concurrent.atomic.AtomicBoolean();
        Thread caller = new Thread(() -> {
            for (int i = 0; i < 10_000 && !ranHere.get(); i++) {
                Thread me = Thread.currentThread();
                loop.executeHere(() -> {
                    task.run();
                    if (Thread.currentThread() == me) {
                        ranHere.set(true);
                    }
                });
            }
        }, threadName);
        caller.start();
        caller.join();
        assertThat(ranHere).as("an idle loop let the caller run its task").isTrue();
    }

    /** An idle loop lets the caller run its task and the batch's end there; a busy one gets it queued, in order. */
    @Test
    void executeHereRunsOnTheCallerWhenTheLoopIsIdleAndQueuesBehindABusyOne() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> afterBatch = new CopyOnWriteArrayList<>();
        EventLoop loop = new EventLoop("test-loop", System::currentTimeMillis, 3_600_000, now -> { },
                LoggerFactory.getLogger("test"));
        loop.afterBatch(now -> afterBatch.add(Thread.currentThread().getName()));
        loop.start();
        try {
            loop.executeLazily(() -> seen.add("lazy"));
            runHere(loop, "transport", () -> {
                if (loop.inLoop()) {
                    seen.add("in loop " + Thread.currentThread().getName());
                }
            });
            assertThat(seen).startsWith("lazy").endsWith("in loop transport");
            assertThat(afterBatch).endsWith("transport");

            java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            loop.execute(() -> {
                busy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.add("slow");
            });
            busy.await();
            int before = seen.size();
            Thread second = new Thread(() -> loop.executeHere(() -> seen.add("queued " + Thread.currentThread().getName())),
                    "transport-2");
            second.start();
            second.join();
            assertThat(seen).as("queued while the loop was busy, not run by the caller").hasSize(before);
            release.countDown();
            assertThat(loop.call(() -> List.copyOf(seen))).endsWith("slow", "queued test-loop");
        } finally {
            loop.close();
        }
        assertThat(loop.executeHere(() -> seen.add("late"))).isFalse();
    }

    /** A deadline set by a batch run on another thread wakes the sleeping loop thread for its tick. */
    @Test
    void aDeadlineSetByABatchRunElsewhereWakesTheLoop() throws Exception {
        List<Long> ticks = new CopyOnWriteArrayList<>();
        EventLoop loop = new EventLoop("test-loop", System::currentTimeMillis, 3_600_000, ticks::add,
                LoggerFactory.getLogger("test"));
        java.util.concurrent.atomic.AtomicLong wake = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        loop.wakeAt(wake::get);
        loop.start();
        try {
            long deadline = System.currentTimeMillis() + 300;
            runHere(loop, "transport", () -> wake.set(deadline));
            await().atMost(Duration.ofSeconds(30)).until(() -> !ticks.isEmpty());
            assertThat(ticks.get(0)).isGreaterThanOrEqualTo(deadline);
            wake.set(Long.MAX_VALUE);
        } finally {
            loop.close();
        }
    }
}
