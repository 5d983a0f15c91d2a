package io.hpcdask.worker;

import io.hpcdask.protocol.Message;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** What a spawner told about its runs, in the order it told it. */
final class RecordedRuns implements RunProcess.Events {
    final List<String> events = new CopyOnWriteArrayList<>();
    final Map<String, Message.RunFinished> finished = new ConcurrentHashMap<>();
    final Map<String, String> failed = new ConcurrentHashMap<>();
    private final Map<String, ByteArrayOutputStream> output = new ConcurrentHashMap<>();

    @Override
    public void started(RunProcess run) {
        events.add("started " + run.runId());
    }

    @Override
    public void failedToStart(RunProcess run, String error) {
        events.add("failed " + run.runId());
        failed.put(run.runId(), error);
    }

    @Override
    public void finished(RunProcess run, Message.RunFinished result) {
        events.add("finished " + run.runId());
        finished.put(run.runId(), result);
    }

    @Override
    public void withdrawn(RunProcess run) {
        events.add("withdrawn " + run.runId());
    }

    @Override
    public void output(String runId, int attempt, String stream, byte[] data) {
        events.add("output " + runId);
        output.computeIfAbsent(runId + "/" + stream, k -> new ByteArrayOutputStream()).writeBytes(data);
    }

    String output(String runId, String stream) {
        ByteArrayOutputStream out = output.get(runId + "/" + stream);
        return out == null ? "" : out.toString(StandardCharsets.UTF_8);
    }

    static Message.StartRun start(String runId, String... argv) {
        return new Message.StartRun(runId, List.of(argv), false, null, Map.of(), Map.of(), List.of());
    }
}
