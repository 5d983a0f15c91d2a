package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class WireCodecTest {
    static Stream<Message> everyMessage() {
        return Stream.of(
                new Message.Hello(Message.VERSION, "w-1", "node7", "123_4",
                        Map.of("cores", 8L, "memory", 1L << 34, "gpu", 2L), 8, List.of("0", "3"), 1_700_000_000_000L,
                        List.of("r1", "r2")),
                new Message.Hello(Message.VERSION, "w-2", "node8", null, Map.of(), 1, List.of(), 0, List.of()),
                new Message.Welcome(Message.VERSION, 2_000, "w-1"),
                new Message.Refused("wrong or missing cluster token"),
                new Message.Heartbeat(42),
                new Message.StartRun("r1", List.of("echo", "a b", "\"q\"", "ü"), false, "/tmp/x", Map.of("K", "V=1"),
                        Map.of("gpu", 1L, "foo", 5L), List.of("3")),
                new Message.StartRun("r2", List.of("echo $HOME"), true, null, Map.of(), Map.of(), List.of()),
                new Message.RunStarted("r1", 4242),
                new Message.RunOutput("r1", "stdout", new byte[] {0, 1, (byte) 0xff, '\n'}),
                new Message.RunFinished("r1", 137, true, null),
                new Message.RunFinished("r2", 127, false, "cannot start"),
                new Message.CancelRun("r1"),
                new Message.Drain("lifetime"),
                new Message.Draining("lifetime ends"),
                new Message.RunReturned("r1", 2),
                new Message.Stop("cluster down"));
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void everyMessageSurvivesJson(Message m) throws IOException {
        assertSame(WireCodec.decode(WireCodec.encode(m)), m);
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void everyMessageSurvivesFraming(Message m) {
        EmbeddedChannel sender = new EmbeddedChannel();
        MessageFraming.install(sender.pipeline());
        EmbeddedChannel receiver = new EmbeddedChannel();
        MessageFraming.install(receiver.pipeline());
        assertThat(sender.writeOutbound(m)).isTrue();
        ByteBuf frame = Unpooled.buffer();
        for (ByteBuf piece; (piece = sender.readOutbound()) != null; piece.release()) {
            frame.writeBytes(piece); // the prepender emits the length and the body as separate buffers
        }
        assertThat(frame.readableBytes()).isEqualTo(4 + WireCodec.encode(m).length);
        assertThat(frame.getInt(frame.readerIndex())).isEqualTo(WireCodec.encode(m).length);
        // delivered in two pieces, as TCP may: the decoder waits for the whole frame
        ByteBuf first = frame.readRetainedSlice(3);
        receiver.writeInbound(first);
        assertThat((Object) receiver.readInbound()).isNull();
        receiver.writeInbound(frame);
        assertSame(receiver.readInbound(), m);
    }

    @Test
    void typeNamesAreStableOnTheWire() {
        String json = new String(WireCodec.encode(new Message.CancelRun("r9", 2)), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"type\":\"cancel-run\",\"runId\":\"r9\",\"attempt\":2}");
    }

    @Test
    void attemptsTravelWithEveryRunMessageAndAreZeroWhenAnOlderPeerLeavesThemOut() throws IOException {
        Message.RunFinished fin = new Message.RunFinished("r1", 137, true, null, 3, true);
        assertThat(WireCodec.decode(WireCodec.encode(fin))).isEqualTo(fin);
        Message old = WireCodec.decode("{\"type\":\"run-finished\",\"runId\":\"r1\",\"exitCode\":0,\"terminated\":false}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(old).isEqualTo(new Message.RunFinished("r1", 0, false, null, 0, false));
        Message.StartRun start = new Message.StartRun("r1", java.util.List.of("true"), false, null, java.util.Map.of(),
                java.util.Map.of(), java.util.List.of(), 2);
        assertThat(((Message.StartRun) WireCodec.decode(WireCodec.encode(start))).attempt()).isEqualTo(2);
    }

    @Test
    void unknownFieldsFromANewerPeerAreIgnored() throws IOException {
        Message m = WireCodec.decode("{\"type\":\"stop\",\"reason\":\"x\",\"extra\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(m).isEqualTo(new Message.Stop("x"));
    }

    @Test
    void anUnknownTypeIsAnError() {
        assertThatThrownBy(() -> WireCodec.decode("{\"type\":\"bogus\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void anOversizedFrameIsRejected() {
        EmbeddedChannel receiver = new EmbeddedChannel();
        MessageFraming.install(receiver.pipeline());
        ByteBuf huge = receiver.alloc().buffer().writeInt(MessageFraming.MAX_FRAME_BYTES + 1).writeByte('{');
        assertThatThrownBy(() -> receiver.writeInbound(huge)).hasMessageContaining("exceeds");
    }

    private static void assertSame(Object decoded, Message original) {
        if (original instanceof Message.RunOutput o) { // records compare arrays by reference
            Message.RunOutput d = (Message.RunOutput) decoded;
            assertThat(d.runId()).isEqualTo(o.runId());
            assertThat(d.stream()).isEqualTo(o.stream());
            assertThat(Arrays.equals(d.data(), o.data())).isTrue();
        } else {
            assertThat(decoded).isEqualTo(original);
        }
    }
}
