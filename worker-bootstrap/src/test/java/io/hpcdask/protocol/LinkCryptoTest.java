package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkCryptoTest {
    private static final byte[] TOKEN = "0123456789abcdef-token".getBytes(StandardCharsets.UTF_8);

    @Test
    void proofsAreBoundToTheTokenTheRoleAndBothNonces() {
        byte[] ns = LinkAuth.newNonce();
        byte[] nw = LinkAuth.newNonce();
        byte[] worker = LinkAuth.proof(TOKEN, LinkAuth.Role.WORKER, ns, nw);
        assertThat(LinkAuth.verify(TOKEN, LinkAuth.Role.WORKER, ns, nw, worker)).isTrue();
        assertThat(LinkAuth.verify(TOKEN, LinkAuth.Role.SCHEDULER, ns, nw, worker)).as("reflected").isFalse();
        assertThat(LinkAuth.verify(TOKEN, LinkAuth.Role.WORKER, LinkAuth.newNonce(), nw, worker)).as("replayed").isFalse();
        assertThat(LinkAuth.verify(TOKEN, LinkAuth.Role.WORKER, ns, LinkAuth.newNonce(), worker)).as("replayed").isFalse();
        assertThat(LinkAuth.verify("other".getBytes(StandardCharsets.UTF_8), LinkAuth.Role.WORKER, ns, nw, worker)).isFalse();
        assertThat(LinkAuth.verify(TOKEN, LinkAuth.Role.WORKER, ns, nw, null)).isFalse();
        assertThat(LinkAuth.verify(TOKEN, LinkAuth.Role.WORKER, ns, nw, new byte[3])).isFalse();
        assertThat(new String(worker, StandardCharsets.ISO_8859_1)).doesNotContain("token");
    }

    @Test
    void keysDifferPerDirectionAndPerLink() {
        byte[] ns = LinkAuth.newNonce();
        byte[] nw = LinkAuth.newNonce();
        LinkAuth.Keys a = LinkAuth.keys(TOKEN, ns, nw);
        LinkAuth.Keys again = LinkAuth.keys(TOKEN, ns, nw);
        LinkAuth.Keys other = LinkAuth.keys(TOKEN, LinkAuth.newNonce(), nw);
        assertThat(a.workerToScheduler()).hasSize(32).isEqualTo(again.workerToScheduler()).isNotEqualTo(a.schedulerToWorker());
        assertThat(a.workerToScheduler()).isNotEqualTo(other.workerToScheduler());
    }

    @Test
    void sealedFramesOpenInOrderOnlyAndUnaltered() throws Exception {
        byte[] key = LinkAuth.newNonce();
        FrameCipher sender = new FrameCipher(key);
        FrameCipher receiver = new FrameCipher(key);
        byte[] one = sender.seal("one".getBytes(StandardCharsets.UTF_8));
        byte[] two = sender.seal("one".getBytes(StandardCharsets.UTF_8));
        assertThat(one).isNotEqualTo(two).hasSize(3 + FrameCipher.TAG_BYTES);
        assertThat(new String(receiver.open(one), StandardCharsets.UTF_8)).isEqualTo("one");
        assertThatThrownBy(() -> receiver.open(one)).as("a replay").isInstanceOf(FrameAuthenticationException.class);
        FrameCipher fresh = new FrameCipher(key);
        assertThatThrownBy(() -> fresh.open(two)).as("out of order").isInstanceOf(FrameAuthenticationException.class);
        FrameCipher third = new FrameCipher(key);
        byte[] altered = one.clone();
        altered[0] ^= 1;
        assertThatThrownBy(() -> third.open(altered)).isInstanceOf(FrameAuthenticationException.class);
        assertThatThrownBy(() -> new FrameCipher(key).open(new byte[5])).isInstanceOf(FrameAuthenticationException.class);
    }

    @Test
    void anEncryptedPipelineCarriesMessagesAndRejectsATamperedFrame() {
        byte[] key = LinkAuth.newNonce();
        EmbeddedChannel sender = new EmbeddedChannel();
        MessageFraming.install(sender.pipeline());
        MessageFraming.startEncryption(sender.pipeline(), key);
        EmbeddedChannel receiver = new EmbeddedChannel();
        MessageFraming.install(receiver.pipeline());
        MessageFraming.startDecryption(receiver.pipeline(), key);
        Message run = new Message.StartRun("r1", java.util.List.of("touch", "MARKER"), false, null,
                Map.of("SECRET", "hunter2-value"), Map.of(), java.util.List.of());
        sender.writeOutbound(run, new Message.Heartbeat(7));
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf piece; (piece = sender.readOutbound()) != null; piece.release()) {
            wire.writeBytes(piece);
        }
        String text = wire.toString(StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("MARKER").doesNotContain("hunter2-value").doesNotContain("start-run");
        ByteBuf copy = wire.copy();
        receiver.writeInbound(wire);
        assertThat((Object) receiver.readInbound()).isEqualTo(run);
        assertThat((Object) receiver.readInbound()).isEqualTo(new Message.Heartbeat(7));

        EmbeddedChannel victim = new EmbeddedChannel();
        MessageFraming.install(victim.pipeline());
        MessageFraming.startDecryption(victim.pipeline(), key);
        copy.setByte(10, copy.getByte(10) ^ 0x40);
        assertThatThrownBy(() -> victim.writeInbound(copy)).isInstanceOf(FrameAuthenticationException.class);
    }
}
