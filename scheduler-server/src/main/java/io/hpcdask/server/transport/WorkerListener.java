package io.hpcdask.server.transport;

import io.hpcdask.protocol.Message;

/**
 * What the transport reports to the scheduler. Called from transport threads: implementations hand the event to the
 * event loop and return at once.
 */
public interface WorkerListener {
    /** A worker passed the handshake (token and version checked). */
    void workerConnected(WorkerConnection connection, Message.Hello hello);

    /** Any message after the handshake, heartbeats excepted. */
    void messageReceived(WorkerConnection connection, Message message);

    /** The connection closed, or the worker was silent for 3 heartbeat periods. Called once per connection. */
    void workerDisconnected(WorkerConnection connection, String reason);
}
