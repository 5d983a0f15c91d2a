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

    /**
     * The messages of one read from a worker's socket (often several: a sealed frame carries all that its worker wrote
     * in one turn), in order, heartbeats excepted. The transport calls this, once per read, rather than
     * {@link #messageReceived} once per message, so that a listener can hand them on as one event; the list is the
     * listener's to keep.
     */
    default void messagesReceived(WorkerConnection connection, java.util.List<Message> messages) {
        for (Message m : messages) {
            messageReceived(connection, m);
        }
    }

    /** The connection closed, or the worker was silent for 3 heartbeat periods. Called once per connection. */
    void workerDisconnected(WorkerConnection connection, String reason);
}
