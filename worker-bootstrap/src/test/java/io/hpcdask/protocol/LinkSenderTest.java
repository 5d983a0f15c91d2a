package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LinkSenderTest {
    private final byte[] key = LinkAuth.newNonce();

    private EmbeddedChannel sealingLink() {
        EmbeddedChannel link = new EmbeddedChannel();
        MessageFraming.install(link.pipeline());
        MessageFraming.startEncryption(link.pipeline(), key);
        return link;
    }

    /** The messages of what the link wrote, which must be one sealed frame. */
    private List<Message> oneFrame(EmbeddedChannel link) throws Exception {
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf piece; (piece = link.readOutbound()) != null; piece.release()) {
            wire.writeBytes(piece);
        }
        byte[] body = new byte[wire.readInt()];
        wire.readBytes(body);
        assertThat(wire.isReadable()).as("one frame").isFalse();
        return MessageFraming.messagesOf(new FrameCipher(key).open(body));
    }

    @Test
    void aBurstSentFromAnotherThreadLeavesInOrderAsOneFrameAndItsSendersAreTold() throws Exception {
        EmbeddedChannel link = sealingLink();
        LinkSender sender = new LinkSender(link);
        AtomicInteger written = new AtomicInteger();
        List<Message> sent = List.of(new Message.RunStarted("1", 10), new Message.RunFinished("1", 0, false, null),
                new Message.RunStarted("2", 11));
        Thread other = new Thread(() -> {
            sender.send(sent.get(0));
            sender.send(sent.get(1), f -> {
                if (f.isSuccess()) {
                    written.incrementAndGet();
                }
            });
            sender.send(sent.get(2));
        });
        other.start();
        other.join();
        assertThat((ByteBuf) link.readOutbound()).as("nothing leaves before the loop's turn").isNull();
        link.runPendingTasks(); // the one drain task, then the flush it queued
        link.runPendingTasks();
        assertThat(oneFrame(link)).isEqualTo(sent);
        assertThat(written).hasValue(1);
    }

    @Test
    void whatIsSentWhileHeldWaitsForTheReleaseAndThenLeavesAsOneFrame() throws Exception {
        EmbeddedChannel link = sealingLink();
        LinkSender sender = new LinkSender(link);
        List<Message> sent = List.of(new Message.RunStarted("1", 10), new Message.RunFinished("1", 0, false, null));
        sender.hold();
        Thread other = new Thread(() -> sent.forEach(sender::send)); // held from any thread
        other.start();
        other.join();
        link.runPendingTasks();
        link.runPendingTasks();
        assertThat((ByteBuf) link.readOutbound()).as("nothing leaves while held").isNull();
        sender.release();
        link.runPendingTasks();
        link.runPendingTasks();
        assertThat(oneFrame(link)).isEqualTo(sent);
        sender.send(new Message.RunStarted("2", 11));
        link.runPendingTasks();
        link.runPendingTasks();
        assertThat((ByteBuf) link.readOutbound()).as("released: a send leaves at the loop's next turn").isNotNull();
    }

    @Test
    void aSenderIsToldWhenItsMessageCouldNotBeWritten() throws Exception {
        EmbeddedChannel link = sealingLink();
        LinkSender sender = new LinkSender(link);
        link.close();
        List<Boolean> outcomes = new ArrayList<>();
        sender.send(new Message.RunFinished("1", 0, false, null), f -> outcomes.add(f.isSuccess()));
        link.runPendingTasks();
        link.runPendingTasks();
        assertThat(outcomes).containsExactly(false);
    }
}
