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
 * The owner of the decision core: one thread at a time. Transport callbacks and API calls become tasks here; between
 * tasks, {@code onTick} runs about every {@code tickMillis} with the current time. The loop's own thread runs them,
 * except that a thread with events for an idle loop may run them itself ({@link #executeHere}) while it holds the
 * loop: the hand-off and the wake-up of the loop thread cost more than a short batch of events.
 *
 * <p>A turn of the loop runs every task queued so far (up to {@link #MAX_BATCH}), then {@code afterBatch} once: the
 * core dispatches there, once per batch of events rather than after each. A task of {@link #call} runs
 * {@code afterBatch} first, so an answer never shows a state that a pending dispatch is about to change.
 */
public final class EventLoop implements AutoCloseable {
    /** Tasks run in one turn at most, so a flood of events still lets the core dispatch and time be checked. */
    static final int MAX_BATCH = 4_096;

    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    /**
     * Who runs the core now: the loop thread for each of its turns, or a thread in {@link #executeHere}. Tasks are taken
     * from the queues only under it, so tasks queued by one thread run in the order it queued them, whoever runs them.
     */
    private final java.util.concurrent.locks.ReentrantLock owner = new java.util.concurrent.locks.ReentrantLock();
    /** Tasks queued by {@link #execute} and not yet run; while above 0 {@link #executeHere} queues behind them. */
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    /** Until when the loop thread sleeps (its next tick or deadline); a batch run elsewhere that brings it closer wakes it. */
    private volatile long sleepsUntil = Long.MAX_VALUE;
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
     * time limit); asked after every turn (by whoever runs it), so the loop thread sleeps exactly until then.
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
        queued.incrementAndGet();
        tasks.add(task);
        return true;
    }

    /**
     * Runs {@code task} now on the calling thread, followed by {@code afterBatch}, when the loop is idle (nothing queued,
     * no turn in progress); otherwise queues it as {@link #execute} does. For transport threads with a read's events:
     * what the core sends back to the same link then leaves from that link's own thread, and neither thread waits for
     * the other. Tasks queued lazily before run first. Returns false once the loop has stopped.
     */
    public boolean executeHere(Runnable task) {
        if (!running) {
            return false;
        }
        if (queued.get() != 0 || inLoop() || !owner.tryLock()) { // inLoop: never a batch inside a batch
            return execute(task);
        }
        try {
            if (queued.get() != 0) { // queued meanwhile: behind them, as the loop thread would run it
                return execute(task);
            }
            for (Runnable l; (l = lazy.poll()) != null; ) {
                batch.add(l);
            }
            batch.add(task);
            try {
                runBatch();
                if (wakeAt.getAsLong() < sleepsUntil) { // a deadline the sleeping loop thread does not know of
                    execute(() -> { });
                }
            } catch (RuntimeException | Error e) { // as on the loop thread: logged, and the caller carries on
                log.error("Scheduler event failed: {}", e.toString(), e);
            }
            return true;
        } finally {
            owner.unlock();
        }
    }

    /**
     * Runs {@code task} in the loop without waking it: first in its next turn, which the next other task or tick starts
     * (or a batch of {@link #executeHere}). For events that only check something and that nothing waits on (a worker confirming a start), where a
     * wake-up per event would cost more than the event. A task queued lazily before a task of {@link #execute} runs
     * before it, whoever runs them.
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
        if (inLoop()) {
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

    /** Whether the calling thread runs the core now: the loop thread, or a thread inside {@link #executeHere}. */
    public boolean inLoop() {
        return Thread.currentThread() == thread || owner.isHeldByCurrentThread();
    }

    private void run() {
        owner.lock();
        try {
            nextTick = now() + tickMillis;
            planSleep();
        } finally {
            owner.unlock();
        }
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
        long until = sleepsUntil;
        long wait = until == Long.MIN_VALUE ? 1 : Math.max(1, until - now()); // MIN_VALUE: the last plan failed
        Runnable task = tasks.poll(wait, TimeUnit.MILLISECONDS);
        sleepsUntil = Long.MIN_VALUE; // awake: it asks for the next deadline itself at the end of this turn
        queued.incrementAndGet(); // while it waits for the core, other threads queue rather than go before it
        owner.lock();
        queued.decrementAndGet();
        try {
            for (Runnable l; (l = lazy.poll()) != null; ) {
                batch.add(l);
            }
            int taken = 0;
            if (task != null) {
                batch.add(task);
                taken = 1 + tasks.drainTo(batch, MAX_BATCH - 1);
            }
            if (!batch.isEmpty()) {
                try {
                    runBatch();
                } finally {
                    queued.addAndGet(-taken);
                }
            }
            long now = now();
            if (now >= nextTick || now >= wakeAt.getAsLong()) {
                if (now >= nextTick) {
                    nextTick = now + tickMillis;
                }
                onTick.accept(now);
                settle();
            }
        } finally {
            planSleep();
            owner.unlock();
        }
    }

    /** Under {@link #owner}: until when the loop thread may sleep, as a batch run elsewhere will compare. */
    private void planSleep() {
        sleepsUntil = Math.min(nextTick, wakeAt.getAsLong());
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
        queued.incrementAndGet();
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
