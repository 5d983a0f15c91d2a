package io.hpcdask.server.api;

import java.util.List;

/**
 * The {@code runs=IDS} and {@code progress=IDS} event topics (ids as ranges, {@code 1-1000,1005}). Both send
 * {@code progress} ({@link RunsProgress}: how many of the set have ended; once all have, their outcomes) at the start
 * and after each change; {@code runs} also sends {@code run} ({@link RunChange}) for every run still active at the
 * start and for every change after. While a client has not taken a message yet, a newer one about the same run (or the
 * progress) replaces it: a burst of changes costs a slow client nothing, and its queue is bounded by the set's size.
 */
final class RunsTopic implements EventTopic {
    private final SchedulerService service;
    private final String name;
    private final boolean perRun;

    private RunsTopic(SchedulerService service, String name, boolean perRun) {
        this.service = service;
        this.name = name;
        this.perRun = perRun;
    }

    /** Every change of each run, and the progress. */
    static RunsTopic runs(SchedulerService service) {
        return new RunsTopic(service, "runs", true);
    }

    /** Only the progress: what {@code submit run --wait} on many runs needs. */
    static RunsTopic progress(SchedulerService service) {
        return new RunsTopic(service, "progress", false);
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
            private long total;

            @Override
            public void started(RunsWatch w) {
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

            private void progress(long ended) {
                long all = total;
                // the outcomes are read from the store on the stream's writer, not on the loop that tells the change
                sink.sendLatest("progress", "progress", () -> ended < all ? new RunsProgress(all, ended, List.of())
                        : service.awaitRuns(ranges, 0).join());
            }
        });
        return () -> watch.stop().run();
    }
}
