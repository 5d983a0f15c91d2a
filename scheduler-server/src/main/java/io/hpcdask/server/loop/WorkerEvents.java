package io.hpcdask.server.loop;

import io.hpcdask.protocol.Message;
import io.hpcdask.server.api.LogStream;
import io.hpcdask.server.core.SchedulerCore;
import io.hpcdask.server.core.WorkerSpec;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import io.hpcdask.server.metrics.ServerMetrics;
import io.hpcdask.server.scaling.WorkerObserver;
import io.hpcdask.server.store.RunLogs;
import io.hpcdask.server.transport.WorkerConnection;
import io.hpcdask.server.transport.WorkerListener;
import java.util.List;
import org.slf4j.Logger;

/**
 * Turns transport callbacks into core events on the loop. A worker re-registering replaces its older connection; events
 * from a replaced connection are ignored, so a late disconnect of the old link cannot take the worker down. Output
 * chunks go straight to the run's log file from the transport thread, keeping file writes off the loop.
 */
public final class WorkerEvents implements WorkerListener {
    private final EventLoop loop;
    private final SchedulerCore core;
    private final CoreOutbox outbox;
    private final RunLogs logs;
    private final Logger log;
    private final ServerMetrics metrics;
    private volatile WorkerObserver observer = WorkerObserver.NONE;
    private final java.util.Set<RunId> unwritable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public WorkerEvents(EventLoop loop, SchedulerCore core, CoreOutbox outbox, RunLogs logs, Logger log,
                        ServerMetrics metrics) {
        this.loop = loop;
        this.core = core;
        this.outbox = outbox;
        this.logs = logs;
        this.log = log;
        this.metrics = metrics;
    }

    @Override
    public void workerConnected(WorkerConnection connection, Message.Hello hello) {
        loop.execute(() -> {
            WorkerId name = connection.workerName();
            WorkerConnection old = outbox.connections().put(name, connection);
            if (old != null && old != connection) {
                old.close("replaced by a new connection from the same worker");
            }
            WorkerSpec spec = new WorkerSpec(name, hello.host(), hello.jobId(),
                    hello.resources() == null ? java.util.Map.of() : hello.resources(), hello.slots(),
                    hello.gpuIds() == null ? List.of() : hello.gpuIds(), hello.endTimeMillis(), hello.leaseMillis());
            core.workerJoined(spec, heldRuns(hello), heldAttempts(hello), loop.now());
            observer.connected(name.name(), hello.jobId());
        });
    }

    private static List<RunId> heldRuns(Message.Hello hello) {
        return hello.heldRuns() == null ? List.of() : hello.heldRuns().stream().map(RunId::ofNullable).toList();
    }

    private static java.util.Map<RunId, Integer> heldAttempts(Message.Hello hello) {
        java.util.Map<RunId, Integer> attempts = new java.util.HashMap<>();
        if (hello.heldAttempts() != null) {
            hello.heldAttempts().forEach((id, attempt) -> attempts.put(RunId.ofNullable(id), attempt));
        }
        return attempts;
    }

    /** Who hears of workers joining, leaving and draining (scaling); set before workers connect. */
    public void observe(WorkerObserver observer) {
        this.observer = observer;
    }

    @Override
    public void messageReceived(WorkerConnection connection, Message message) {
        messagesReceived(connection, List.of(message));
    }

    /**
     * Output goes to its log from this (transport) thread; the rest of a read's messages go to the loop as one task,
     * one hand-off for what a worker sent in one frame (a run's start and end, several runs' ends). Starts alone only
     * confirm what the core decided at dispatch: they need not wake the loop (an end will, or a tick). With runs sent
     * ahead a start does more (the run takes its slot, and the worker may be sent its next), so it wakes the loop.
     */
    @Override
    public void messagesReceived(WorkerConnection connection, List<Message> messages) {
        List<Message> events = null;
        boolean wake = false;
        for (Message message : messages) {
            if (message instanceof Message.RunOutput out) {
                output(out);
            } else if (!(message instanceof Message.Heartbeat)) {
                if (message instanceof Message.RunStarted s) {
                    metrics.runStarted(RunId.ofNullable(s.runId())); // as it arrives: the loop may see it later
                    wake |= core.sendsAhead();
                } else {
                    wake = true;
                }
                if (events == null) {
                    events = new java.util.ArrayList<>(messages.size());
                }
                events.add(message);
            }
        }
        if (events == null) {
            return;
        }
        List<Message> batch = events;
        Runnable task = () -> handle(connection, batch);
        if (wake) {
            loop.executeHere(task); // on this thread when the loop is idle: answers to this link leave from here
        } else {
            loop.executeLazily(task);
        }
    }

    private void output(Message.RunOutput out) {
        RunId runId = RunId.ofNullable(out.runId());
        if (!outbox.currentAttempt(runId, out.attempt())) {
            return; // a superseded copy's output: the log holds the current attempt's
        }
        try {
            logs.append(runId, LogStream.ofWorker(out.stream()), out.data());
        } catch (RuntimeException e) {
            if (unwritable.add(runId)) { // once per run: a broken log directory must not flood server.log
                log.warn("Cannot write output of run {}: {}", out.runId(), e.getMessage());
            }
        }
    }

    /** On the loop: a read's events, in order. */
    private void handle(WorkerConnection connection, List<Message> events) {
        WorkerId name = connection.workerName();
        if (outbox.connections().get(name) != connection) {
            return; // from a connection that a re-registration replaced
        }
        long now = loop.now();
        for (Message message : events) {
            try {
                handle(name, message, now);
            } catch (RuntimeException | Error e) { // one bad event must not stop the others of its read
                log.error("Scheduler event failed: {}", e.toString(), e);
            }
        }
    }

    private void handle(WorkerId name, Message message, long now) {
        if (message instanceof Message.RunStarted s) {
            core.runStarted(RunId.ofNullable(s.runId()), name, s.attempt(), now);
        } else if (message instanceof Message.RunFinished f) {
            core.runFinished(RunId.ofNullable(f.runId()), name, f.attempt(), f.exitCode(), f.terminated(), f.error(),
                    f.abandoned(), now);
        } else if (message instanceof Message.RunReturned r) {
            core.runReturned(RunId.ofNullable(r.runId()), name, r.attempt(), now);
        } else if (message instanceof Message.Draining d) {
            core.workerDraining(name, d.reason(), now);
            observer.retiring(name.name());
        } else {
            log.warn("Unexpected {} from worker {}", message.getClass().getSimpleName(), name);
        }
    }

    @Override
    public void workerDisconnected(WorkerConnection connection, String reason) {
        loop.execute(() -> {
            WorkerId name = connection.workerName();
            if (outbox.connections().get(name) == connection) {
                outbox.connections().remove(name);
                core.workerLost(name, reason, loop.now());
                observer.left(name.name());
            }
        });
    }
}
