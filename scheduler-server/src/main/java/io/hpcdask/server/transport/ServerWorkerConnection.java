package io.hpcdask.server.transport;

import io.hpcdask.protocol.LinkSender;
import io.hpcdask.protocol.Message;
import io.hpcdask.server.ids.WorkerId;
import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicBoolean;

/** A worker that passed the handshake, as the scheduler sees it. */
final class ServerWorkerConnection implements WorkerConnection {
    private final Channel channel;
    private final LinkSender sender;
    private final WorkerId name;
    private final WorkerTransport transport;
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile String closeReason;

    ServerWorkerConnection(Channel channel, WorkerId name, WorkerTransport transport) {
        this.channel = channel;
        this.sender = new LinkSender(channel);
        this.name = name;
        this.transport = transport;
    }

    @Override
    public WorkerId workerName() {
        return name;
    }

    @Override
    public String remoteAddress() {
        return String.valueOf(channel.remoteAddress());
    }

    @Override
    public void send(Message message) {
        // the scheduler's sends of one turn reach the channel's loop as one burst, and leave as one frame, in call
        // order; nothing here blocks
        if (channel.isActive()) { // a link already gone is reported by workerDisconnected, not by every late send
            sender.send(message);
        }
    }

    @Override
    public void close(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        channel.close();
    }

    /** Reports the loss to the listener, at most once per connection. */
    void lost(String reason) {
        if (reported.compareAndSet(false, true)) {
            transport.unregister(this);
            transport.listener().workerDisconnected(this, closeReason != null ? closeReason : reason);
        }
    }

    @Override
    public String toString() {
        return "worker " + name + " (" + remoteAddress() + ")";
    }
}
