package io.hpcdask.server.transport;

import io.hpcdask.protocol.Message;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every transport event, for tests to wait on and inspect. */
class RecordingListener implements WorkerListener {
    record Disconnect(WorkerConnection connection, String reason) {}

    final Map<String, WorkerConnection> connections = new ConcurrentHashMap<>();
    final List<Message.Hello> hellos = new CopyOnWriteArrayList<>();
    final List<Message> messages = new CopyOnWriteArrayList<>();
    final List<Disconnect> disconnects = new CopyOnWriteArrayList<>();

    @Override
    public void workerConnected(WorkerConnection connection, Message.Hello hello) {
        connections.put(connection.workerName().name(), connection);
        hellos.add(hello);
    }

    @Override
    public void messageReceived(WorkerConnection connection, Message message) {
        messages.add(message);
    }

    @Override
    public void workerDisconnected(WorkerConnection connection, String reason) {
        disconnects.add(new Disconnect(connection, reason));
    }

    WorkerConnection connection(String name) {
        WorkerConnection c = connections.get(name);
        if (c == null) {
            throw new AssertionError("no worker " + name + " connected; have " + connections.keySet());
        }
        return c;
    }

    String output(String runId, String stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Message m : messages) {
            if (m instanceof Message.RunOutput o && o.runId().equals(runId) && o.stream().equals(stream)) {
                out.writeBytes(o.data());
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    Optional<Message.RunFinished> finished(String runId) {
        return messages.stream()
                .filter(m -> m instanceof Message.RunFinished f && f.runId().equals(runId))
                .map(m -> (Message.RunFinished) m)
                .findFirst();
    }

    Optional<Message.RunStarted> started(String runId) {
        return messages.stream()
                .filter(m -> m instanceof Message.RunStarted s && s.runId().equals(runId))
                .map(m -> (Message.RunStarted) m)
                .findFirst();
    }

    long disconnectsOf(WorkerConnection connection) {
        return disconnects.stream().filter(d -> d.connection() == connection).count();
    }
}
