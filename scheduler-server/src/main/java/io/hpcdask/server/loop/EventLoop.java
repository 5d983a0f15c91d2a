package io.hpcdask.server.loop;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The one thread that owns the decision core. Transport callbacks and API calls become tasks here; between tasks,
 * {@code onTick} runs about every {@code tickMillis} with the current time.
 *
 * <p>A turn of the loop runs every task queued so far (up to {@link #MAX_BATCH}), then {@code afterBatch} once: the
 * core dispatches there, once per batch of events rather than after each. A task of {@link #call} runs
 * {@code afterBatch} first, so an answer never shows a state that a pending dispatch is about to change.
 */
public final class EventLoop implements AutoCloseable {
    /** Tasks run in one turn at most, so a flood of events still lets the core dispatch and time be checked. */
    static final int MAX_BATCH = 4_096;

    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final java.util.ArrayList<Runnable> batch = new java.util.ArrayList<>();
    /** Tasks that do not wake the loop: they run first in its next turn, or at the next tick. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> lazy = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final LongSupplier clock;
    private final long tickMillis;
    private final LongConsumer onTick;
    private volatile LongConsumer afterBatch = now -> { };
    /** A time before the next regular tick at which {@code onTick} must run (a run's time limit); read on the loop. */
    private volatile LongSupplier wakeAt = () -> Long.MAX_VALUE;
    private final Logger log;
    private volatile boolean running = true;
    /** When {@code onTick} is next due by the regular period; the loop thread's own. */
    private long nextTick;

    public EventLoop(String name, LongSupplier clock, long tickMillis, LongConsumer onTick, Logger log) {
        this.clock = clock;
        this.tickMillis = tickMillis;
        this.onTick = onTick;
        this.log = log;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Set before {@link #start}: what runs after each batch of tasks and each tick, with the current time. */
    public void afterBatch(LongConsumer afterBatch) {
        this.afterBatch = afterBatch;
    }

    /**
     * Set before {@link #start}: when, besides every {@code tickMillis}, {@code onTick} is due (e.g. the core's earliest
     * time limit); asked on the loop thread after every turn, so the loop sleeps exactly until then.
     */
    public void wakeAt(LongSupplier wakeAt) {
        this.wakeAt = wakeAt;
    }

    public void start() {
        thread.start();
    }

    public long now() {
        return clock.getAsLong();
    }

    /**
     * Runs {@code task} on the loop thread, later. Once the loop stops, tasks are dropped (returns false): late transport
     * callbacks have nothing left to change.
     */
    public boolean execute(Runnable task) {
        if (!running) {
            return false;
        }
        tasks.add(task);
        return true;
    }

    /**
     * Runs {@code task} on the loop thread without waking it: first in its next turn, which the next other task or tick
     * starts. For events that only check something and that nothing waits on (a worker confirming a start), where a
     * wake-up per event would cost more than the event. A task queued lazily before a task of {@link #execute} runs
     * before it.
     */
    public boolean executeLazily(Runnable task) {
        if (!running) {
            return false;
        }
        lazy.add(task);
        return true;
    }

    /** Runs {@code task} on the loop thread and waits for its result. */
    public <T> T call(Callable<T> task) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("call() from the loop thread would wait for itself");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        boolean queued = execute(() -> {
            try {
                settle();
                result.complete(task.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        });
        if (!queued) {
            throw new IllegalStateException("the scheduler has stopped");
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the scheduler", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        nextTick = now() + tickMillis;
        while (running || !tasks.isEmpty()) {
            try {
                turn();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) { // one bad event must not stop scheduling
                log.error("Scheduler event failed: {}", e.toString(), e);
            }
        }
    }

    /**
     * One turn: waits for tasks until the next tick is due, runs them, then the tick when due. A method of its own, not
     * the body of {@link #run}'s loop: the JIT compiles a method after some hundred calls, a loop body only after tens
     * of thousands of turns (on-stack replacement), so a loop body would run interpreted for hours at a few turns a run.
     */
    private void turn() throws InterruptedException {
        long due = Math.min(nextTick, wakeAt.getAsLong());
        Runnable task = tasks.poll(Math.max(1, due - now()), TimeUnit.MILLISECONDS);
        for (Runnable l; (l = lazy.poll()) != null; ) {
            batch.add(l);
        }
        if (task != null) {
            batch.add(task);
            tasks.drainTo(batch, MAX_BATCH - 1);
        }
        if (!batch.isEmpty()) {
            runBatch();
        }
        long now = now();
        if (now >= nextTick || now >= wakeAt.getAsLong()) {
            if (now >= nextTick) {
                nextTick = now + tickMillis;
            }
            onTick.accept(now);
            settle();
        }
    }

    private void runBatch() {
        try {
            for (Runnable task : batch) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) { // one bad event must not stop the others of its batch
                    log.error("Scheduler event failed: {}", e.toString(), e);
                }
            }
        } finally {
            batch.clear();
        }
        settle();
    }

    private void settle() {
        afterBatch.accept(now());
    }

    /** Runs the tasks already queued, then stops the thread. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        CompletableFuture<Void> drained = new CompletableFuture<>();
        tasks.add(() -> drained.complete(null));
        running = false;
        try {
            drained.get(30, TimeUnit.SECONDS);
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("Scheduler loop did not stop in time: {}", e.toString());
        }
    }
}
