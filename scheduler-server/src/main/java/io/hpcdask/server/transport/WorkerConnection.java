package io.hpcdask.server.transport;

import io.hpcdask.protocol.Message;
import io.hpcdask.server.ids.WorkerId;

/** One authenticated worker link. {@link #send} never blocks the caller. */
public interface WorkerConnection {
    WorkerId workerName();

    String remoteAddress();

    void send(Message message);

    void close(String reason);
}
