package io.hpcdask.server.api;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code runs=IDS} and {@code progress=IDS} event topics (ids as ranges, {@code 1-1000,1005}). Both send
 * {@code progress} ({@link RunsProgress}: how many of the set have ended; once all have, their outcomes) at the start
 * and after each change; {@code runs} also sends {@code run} ({@link RunChange}) for every run still active at the
 * start and for every change after. While a client has not taken a message yet, a newer one about the same run (or the
 * progress) replaces it: a burst of changes costs a slow client nothing, and its queue is bounded by the set's size.
 * Progress before the end is paced ({@link ProgressPacer}); the progress that says all have ended goes out at once.
 */
final class RunsTopic implements EventTopic {
    private final SchedulerService service;
    private final String name;
    private final boolean perRun;
    private final ScheduledExecutorService timer;

    private RunsTopic(SchedulerService service, String name, boolean perRun, ScheduledExecutorService timer) {
        this.service = service;
        this.name = name;
        this.perRun = perRun;
        this.timer = timer;
    }

    /** Every change of each run, and the progress; {@code timer} sends paced progress. */
    static RunsTopic runs(SchedulerService service, ScheduledExecutorService timer) {
        return new RunsTopic(service, "runs", true, timer);
    }

    /** Only the progress: what {@code submit run --wait} on many runs needs. */
    static RunsTopic progress(SchedulerService service, ScheduledExecutorService timer) {
        return new RunsTopic(service, "progress", false, timer);
    }

    private void later(Runnable task, long nanos) {
        try {
            timer.schedule(task, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            // the server is stopping and ends this stream: its clients reconnect to a new one and hear the count there
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Subscription open(EventRequest request, EventSink sink) {
        List<RunIds.Range> ranges;
        try {
            ranges = RunIds.decode(request.value());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("topics: " + name + "=" + request.value() + ": " + e.getMessage());
        }
        RunsWatch watch = service.watchRuns(ranges, perRun, new RunsWatch.Listener() {
            // guarded by this listener: the loop tells changes, the timer sends paced progress
            private long total;
            private long latestEnded;
            private boolean allEnded;
            private final ProgressPacer pacer = new ProgressPacer(RunsTopic.this::later, System::nanoTime,
                    this::sendPaced);

            @Override
            public synchronized void started(RunsWatch w) {
                total = w.total();
                w.active().forEach((id, state) -> run(id, state, null));
                progress(w.ended());
            }

            @Override
            public void changed(long id, String state, Integer exitCode, long ended) {
                run(id, state, exitCode);
                progress(ended);
            }

            private void run(long id, String state, Integer exitCode) {
                if (perRun) {
                    RunChange change = new RunChange(Long.toString(id), state, exitCode);
                    sink.sendLatest("run:" + id, "run", () -> change);
                }
            }

            private synchronized void progress(long ended) {
                latestEnded = ended;
                if (ended < total) {
                    pacer.changed();
                } else {
                    allEnded = true;
                    progressNow(ended);
                }
            }

            /** A paced progress never follows the last one: it would take that one's place in the queue. */
            private synchronized void sendPaced() {
                if (!allEnded) {
                    progressNow(latestEnded);
                }
            }

            private void progressNow(long ended) {
                long all = total;
                // the outcomes are read from the store on the stream's writer, not on the loop that tells the change
                sink.sendLatest("progress", "progress", () -> ended < all ? new RunsProgress(all, ended, List.of())
                        : service.awaitRuns(ranges, 0).join());
            }
        });
        return () -> watch.stop().run();
    }
}
