package io.hpcdask.server.api;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code log=ID} event topic: run ID's log from {@code offset=N} (or the {@code Last-Event-ID} of a resumed
 * stream; {@code stream=stdout|stderr} for one stream only). Sends {@code run} ({@link RunView}) at the start and when
 * the run's state changes, {@code log} ({@link RunLogChunk}, its {@code id:} the offset to resume from) as output
 * arrives, and {@code end} (the ended run) once the run has ended and its log is sent to the end; then the stream ends.
 * The log is read on the stream's writer, one piece at a time, as fast as the client takes the pieces.
 */
final class LogTopic implements EventTopic {
    /** One {@code log} message holds at most this many bytes of the log. */
    static final int MAX_CHUNK = 256 * 1024;

    private final SchedulerService service;

    LogTopic(SchedulerService service) {
        this.service = service;
    }

    @Override
    public String name() {
        return "log";
    }

    @Override
    public Subscription open(EventRequest request, EventSink sink) {
        long id;
        try {
            id = Long.parseLong(request.value());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("topics: log=" + request.value() + ": not a run id; expected a number such as log=12");
        }
        long offset = request.lastEventId() != null && !request.lastEventId().isBlank()
                ? whole("Last-Event-ID", request.lastEventId()) : whole("offset", request.query().getOrDefault("offset", "0"));
        LogStream only = LogStream.ofView(request.query().get("stream"));
        String runId = Long.toString(id);
        Path file = service.runLog(runId);
        if (file == null) {
            throw new ApiException(404, "no run with id " + runId);
        }
        Follower f = new Follower(runId, file, offset, only, sink);
        Runnable stopOutput = service.watchOutput(id, f::poke);
        RunsWatch watch;
        try {
            watch = service.watchRuns(List.of(new RunIds.Range(id, id)), false, (run, state, exit, ended) -> f.poke());
        } catch (RuntimeException e) {
            stopOutput.run();
            throw e;
        }
        f.poke();
        return () -> {
            stopOutput.run();
            watch.stop().run();
        };
    }

    private static long whole(String what, String v) {
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiException(400, what + " must be a whole number >= 0 (a byte offset in the log), got '" + v + "'");
        }
    }

    /** One stream's reading of one log; {@link #pump} runs on the stream's writer only. */
    private final class Follower {
        private final String runId;
        private final Path file;
        private final LogStream only;
        private final EventSink sink;
        private final AtomicBoolean pending = new AtomicBoolean();
        private long offset;
        private String lastState;
        private boolean ended;

        Follower(String runId, Path file, long offset, LogStream only, EventSink sink) {
            this.runId = runId;
            this.file = file;
            this.offset = offset;
            this.only = only;
            this.sink = sink;
        }

        /** Something may be new (output, a change of state): read once more, after what is queued now. */
        void poke() {
            if (pending.compareAndSet(false, true) && !sink.runOnWriter(this::pump)) {
                pending.set(false);
            }
        }

        private void pump() {
            pending.set(false);
            if (ended) {
                return;
            }
            // the run before its log: a run seen ended has all its output in the file already
            RunView run = service.run(runId);
            RunLogChunk chunk = RunLogReader.read(file, offset, only, MAX_CHUNK);
            if (chunk.nextOffset() > offset) {
                offset = chunk.nextOffset();
                sink.send("log", Long.toString(offset), chunk);
            }
            if (offset < chunk.size()) {
                poke(); // more: once this piece has been written
                return;
            }
            if (!"staged".equals(run.state()) && !"running".equals(run.state())) {
                ended = true;
                sink.send("end", run);
                sink.finish();
            } else if (!run.state().equals(lastState)) {
                lastState = run.state();
                sink.send("run", run);
            }
        }
    }
}
