package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Protocol 4's sealed frames: every message written in one turn of the loop in one frame, read back in order. */
class SealedBatchTest {
    private final byte[] key = LinkAuth.newNonce();

    private EmbeddedChannel sender() {
        EmbeddedChannel ch = new EmbeddedChannel();
        MessageFraming.install(ch.pipeline());
        MessageFraming.startEncryption(ch.pipeline(), key);
        return ch;
    }

    private EmbeddedChannel receiver() {
        EmbeddedChannel ch = new EmbeddedChannel();
        MessageFraming.install(ch.pipeline());
        MessageFraming.startDecryption(ch.pipeline(), key);
        return ch;
    }

    /** The frames on the wire, each its body (sealed); runs the loop's queued tasks first (the end-of-turn flush). */
    private static List<byte[]> frames(EmbeddedChannel ch) {
        ch.runPendingTasks();
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf piece; (piece = ch.readOutbound()) != null; piece.release()) {
            wire.writeBytes(piece);
        }
        List<byte[]> out = new ArrayList<>();
        while (wire.isReadable()) {
            byte[] body = new byte[wire.readInt()];
            wire.readBytes(body);
            out.add(body);
        }
        return out;
    }

    private static ByteBuf framed(byte[] body) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(body.length);
        b.writeBytes(body);
        return b;
    }

    private static List<Message> read(EmbeddedChannel receiver, List<byte[]> frames) {
        for (byte[] f : frames) {
            receiver.writeInbound(framed(f));
        }
        List<Message> got = new ArrayList<>();
        for (Object m; (m = receiver.readInbound()) != null; ) {
            got.add((Message) m);
        }
        return got;
    }

    private static Message start(String id) {
        return new Message.StartRun(id, List.of("true"), false, null, Map.of("HPC_DASK_RUN_ID", id), Map.of(), List.of());
    }

    @Test
    void messagesWrittenBeforeOneFlushLeaveAsOneSealedFrame() {
        EmbeddedChannel sender = sender();
        List<Message> sent = List.of(start("1"), new Message.RunStarted("2", 1), new Message.RunFinished("3", 0, false, null),
                new Message.Heartbeat(9));
        for (Message m : sent) {
            sender.write(m);
        }
        sender.flush();
        List<byte[]> frames = frames(sender);
        assertThat(frames).hasSize(1);
        byte[] plain = new FrameCipher(key).open(frames.get(0).clone());
        assertThat(plain[0]).isEqualTo(SealedBatch.BATCH);
        assertThat(read(receiver(), frames)).isEqualTo(sent);
    }

    @Test
    void aLoneMessageGoesWithoutTheBatchHeaderAsProtocol3SentIt() throws Exception {
        EmbeddedChannel sender = sender();
        sender.writeAndFlush(new Message.RunFinished("7", 3, false, null));
        List<byte[]> frames = frames(sender);
        assertThat(frames).hasSize(1);
        byte[] plain = new FrameCipher(key).open(frames.get(0).clone());
        assertThat(plain[0]).isEqualTo(CompactForm.FORM);
        assertThat(WireCodec.decode(plain)).isEqualTo(new Message.RunFinished("7", 3, false, null));
    }

    @Test
    void flushesOfOneTurnAreOneFrameAndEachTurnItsOwn() {
        EmbeddedChannel sender = sender();
        // one turn of the loop: two sends, each flushed (through the pipeline: EmbeddedChannel's own writeAndFlush
        // runs the queued tasks after each call, as if each were a turn)
        sender.pipeline().writeAndFlush(new Message.RunStarted("1", 1));
        sender.pipeline().writeAndFlush(new Message.RunFinished("1", 0, false, null));
        List<byte[]> first = frames(sender); // the flush the first queued runs here, once for both
        sender.pipeline().writeAndFlush(new Message.RunStarted("2", 1));
        List<byte[]> second = frames(sender);
        assertThat(first).hasSize(1);
        assertThat(second).as("a lone message still goes out at the end of its turn").hasSize(1);
        EmbeddedChannel receiver = receiver();
        assertThat(read(receiver, first)).containsExactly(new Message.RunStarted("1", 1), new Message.RunFinished("1", 0, false, null));
        assertThat(read(receiver, second)).containsExactly(new Message.RunStarted("2", 1));
    }

    @Test
    void bulkyOutputIsSplitIntoFramesOfAtMostTheBatchSize() {
        EmbeddedChannel sender = sender();
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            byte[] data = new byte[20_000];
            Arrays.fill(data, (byte) ('a' + i));
            sent.add(new Message.RunOutput("1", "stdout", data));
        }
        byte[] huge = new byte[300_000]; // larger than a batch: a frame of its own
        sent.add(new Message.RunOutput("1", "stderr", huge));
        sent.add(new Message.RunFinished("1", 0, false, null));
        for (Message m : sent) {
            sender.write(m);
        }
        sender.flush();
        List<byte[]> frames = frames(sender);
        assertThat(frames.size()).isGreaterThanOrEqualTo(4);
        for (byte[] f : frames) {
            if (f.length < huge.length) {
                assertThat(f.length).isLessThanOrEqualTo(SealedBatch.MAX_BATCH_BYTES + FrameCipher.TAG_BYTES);
            }
        }
        List<Message> got = read(receiver(), frames);
        assertThat(got).hasSize(sent.size());
        for (int i = 0; i < 7; i++) {
            assertThat(((Message.RunOutput) got.get(i)).data()).isEqualTo(((Message.RunOutput) sent.get(i)).data());
        }
        assertThat(((Message.RunOutput) got.get(7)).data()).hasSize(huge.length);
        assertThat(got.get(8)).isEqualTo(new Message.RunFinished("1", 0, false, null));
    }

    @Test
    void answersToTheMessagesOfOneReadLeaveTogetherWhenTheReadEnds() {
        EmbeddedChannel server = new EmbeddedChannel();
        MessageFraming.install(server.pipeline());
        MessageFraming.startDecryption(server.pipeline(), key);
        MessageFraming.startEncryption(server.pipeline(), key);
        server.pipeline().addLast(new SimpleChannelInboundHandler<Message.RunFinished>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, Message.RunFinished f) {
                ctx.writeAndFlush(start("next-" + f.runId()));
            }
        });
        EmbeddedChannel worker = sender();
        worker.write(new Message.RunFinished("1", 0, false, null));
        worker.write(new Message.RunFinished("2", 0, false, null));
        worker.flush();
        List<byte[]> in = frames(worker);
        ByteBuf both = Unpooled.buffer();
        for (byte[] f : in) {
            both.writeBytes(framed(f));
        }
        server.writeInbound(both); // one read: channelRead per frame, then channelReadComplete
        List<byte[]> out = frames(server);
        assertThat(out).hasSize(1);
        assertThat(read(receiver(), out)).containsExactly(start("next-1"), start("next-2"));
    }

    @Test
    void aBatchWhoseLengthsDoNotAddUpIsMalformed() {
        byte[] good = MessageFraming.batchOf(new Message.RunStarted("1", 1), new Message.RunFinished("1", 0, false, null));
        byte[] cut = Arrays.copyOf(good, good.length - 2);
        byte[] lying = good.clone();
        lying[4] = 120; // the first message's length runs past the end
        for (byte[] bad : List.of(cut, lying, new byte[] {SealedBatch.BATCH})) {
            FrameCipher sealer = new FrameCipher(key);
            EmbeddedChannel receiver = receiver();
            assertThatThrownBy(() -> receiver.writeInbound(framed(sealer.seal(bad))))
                    .isInstanceOf(DecoderException.class);
        }
    }

    @Test
    void aHandMadeBatchReadsBackInOrder() throws Exception {
        Message[] sent = {new Message.RunStarted("1", 1), new Message.RunFinished("1", 0, false, null), new Message.Heartbeat(3)};
        assertThat(MessageFraming.messagesOf(MessageFraming.batchOf(sent))).containsExactly(sent);
        FrameCipher sealer = new FrameCipher(key);
        assertThat(read(receiver(), List.of(sealer.seal(MessageFraming.batchOf(sent))))).containsExactly(sent);
    }

    @Test
    void aReplayedBatchFailsItsTag() {
        FrameCipher sealer = new FrameCipher(key);
        byte[] frame = sealer.seal(MessageFraming.batchOf(new Message.RunFinished("1", 0, false, null), new Message.Heartbeat(1)));
        EmbeddedChannel receiver = receiver();
        receiver.writeInbound(framed(frame));
        assertThatThrownBy(() -> receiver.writeInbound(framed(frame))).isInstanceOf(FrameAuthenticationException.class);
    }
}
