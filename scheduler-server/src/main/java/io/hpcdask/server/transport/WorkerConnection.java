package io.hpcdask.server.transport;

import io.hpcdask.protocol.Message;

/** One authenticated worker link. {@link #send} never blocks the caller. */
public interface WorkerConnection {
    String workerName();

    String remoteAddress();

    void send(Message message);

    void close(String reason);
}
