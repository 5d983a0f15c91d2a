package io.hpcdask.protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends messages on a link from threads other than its event loop, a burst at a time: messages sent while the loop has
 * not yet taken the last ones join them, and the loop takes them all in one task, writes them and flushes once, so
 * they leave as one sealed frame ({@link MessageFraming}). One task and at most one wake-up of the loop per burst,
 * where {@code writeAndFlush} from another thread costs one task per message. Messages go out in the order sent.
 */
public final class LinkSender {
    private record Pending(Message message, ChannelFutureListener onDone) {}

    private final Channel channel;
    private final Queue<Pending> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** While above 0, sends only queue: the loop is woken once, at the last {@link #release}. */
    private final AtomicInteger holds = new AtomicInteger();
    private final Runnable drain = this::drain;

    public LinkSender(Channel channel) {
        this.channel = channel;
    }

    public Channel channel() {
        return channel;
    }

    /** Sends {@code message}; nobody hears how its write ends (a failure closes the link, as any link error does). */
    public void send(Message message) {
        send(message, null);
    }

    /** Sends {@code message}; {@code onDone} (or null) is told how its write ended, on the link's event loop. */
    public void send(Message message, ChannelFutureListener onDone) {
        queue.add(new Pending(message, onDone));
        if (holds.get() == 0) {
            schedule();
        }
    }

    /**
     * Holds the messages sent from now on (from any thread) until the matching {@link #release}, so that what a
     * thread learns at once (a run's start and end, read together) leaves as one burst: one wake-up, one frame. Hold
     * only for as long as it takes to hand over what is already known.
     */
    public void hold() {
        holds.incrementAndGet();
    }

    /** Ends a {@link #hold}: what was sent meanwhile goes out now. */
    public void release() {
        // a send that saw the hold queued before this decrement, so the queue shows it here
        if (holds.decrementAndGet() == 0 && !queue.isEmpty()) {
            schedule();
        }
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(drain);
            } catch (RejectedExecutionException e) { // the loop has stopped: nothing will be written
                scheduled.set(false);
                failAll(e);
            }
        }
    }

    private void drain() {
        scheduled.set(false); // before taking: a message sent from here on schedules the next burst
        boolean wrote = false;
        for (Pending p; (p = queue.poll()) != null; ) {
            if (p.onDone() == null) {
                channel.write(p.message(), channel.voidPromise());
            } else {
                channel.write(p.message()).addListener(p.onDone());
            }
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void failAll(Throwable cause) {
        for (Pending p; (p = queue.poll()) != null; ) {
            if (p.onDone() != null) {
                try {
                    p.onDone().operationComplete(channel.newFailedFuture(cause));
                } catch (Exception ignored) {
                    // a listener that fails on a failure has nothing left to tell
                }
            }
        }
    }
}
