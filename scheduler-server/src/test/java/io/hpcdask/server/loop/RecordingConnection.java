package io.hpcdask.server.loop;

import io.hpcdask.protocol.Message;
import io.hpcdask.server.ids.WorkerId;
import io.hpcdask.server.transport.WorkerConnection;
import java.util.ArrayList;
import java.util.List;

/** An in-memory worker link that remembers what the server sent. */
public final class RecordingConnection implements WorkerConnection {
    private final String name;
    private final List<Message> sent = new ArrayList<>();
    private volatile String closedBecause;

    public RecordingConnection(String name) {
        this.name = name;
    }

    @Override
    public WorkerId workerName() {
        return WorkerId.of(name);
    }

    @Override
    public String remoteAddress() {
        return "memory:" + name;
    }

    @Override
    public synchronized void send(Message message) {
        sent.add(message);
    }

    @Override
    public void close(String reason) {
        closedBecause = reason;
    }

    public String closedBecause() {
        return closedBecause;
    }

    public synchronized List<Message> sent() {
        return List.copyOf(sent);
    }

    public synchronized List<String> startedRunIds() {
        return sent.stream().filter(m -> m instanceof Message.StartRun).map(m -> ((Message.StartRun) m).runId()).toList();
    }

    public synchronized <T extends Message> List<T> sentOf(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Message m : sent) {
            if (type.isInstance(m)) {
                out.add(type.cast(m));
            }
        }
        return out;
    }

    public static Message.Hello hello(String name, int slots, java.util.Map<String, Long> named, List<String> held) {
        java.util.Map<String, Long> resources = new java.util.HashMap<>(named);
        resources.putIfAbsent("cores", (long) slots);
        resources.putIfAbsent("memory", 1L << 30);
        return new Message.Hello(Message.VERSION, name, "host-" + name, "", resources, slots, List.of(), 0,
                held);
    }
}
