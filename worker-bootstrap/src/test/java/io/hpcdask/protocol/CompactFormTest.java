package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompactFormTest {
    private final RandomMessages messages = new RandomMessages(3);

    @Test
    void everyTypeSurvivesTheCompactFormAndReadsAsItsJson() throws Exception {
        for (Class<?> type : Message.class.getPermittedSubclasses()) {
            for (int i = 0; i < 300; i++) {
                Message m = messages.of(type);
                byte[] compact = WireCodec.encodeCompact(m);
                assertThat(compact[0]).isEqualTo(CompactForm.FORM);
                Message back = WireCodec.decode(compact);
                assertThat(back).usingRecursiveComparison().isEqualTo(m);
                assertThat(back).usingRecursiveComparison().isEqualTo(WireCodec.decode(WireCodec.encode(m)));
            }
        }
    }

    @Test
    void theHotMessagesAreSmall() {
        assertThat(WireCodec.encodeCompact(new Message.RunStarted("4711", 123456, 1))).hasSizeLessThan(16);
        assertThat(WireCodec.encodeCompact(new Message.RunFinished("4711", 0, false, null, 1, false))).hasSizeLessThan(12);
        assertThat(WireCodec.encodeCompact(new Message.StartRun("4711", List.of("true"), false, null, Map.of(),
                Map.of("cores", 1L), List.of(), 1))).hasSizeLessThan(40);
    }

    @Test
    void fieldsOfEveryKindFromANewerPeerAreSkipped() throws Exception {
        Message.RunStarted m = new Message.RunStarted("r1", 42, 3);
        byte[] known = WireCodec.encodeCompact(m);
        CompactForm.Writer w = new CompactForm.Writer();
        w.put(CompactForm.FORM);
        w.put(CompactForm.RUN_STARTED);
        w.varint(20 << 3 | CompactForm.VARINT);
        w.varint(1L << 40);
        w.varint(21 << 3 | CompactForm.BYTES);
        w.varint(3);
        w.put('a');
        w.put('b');
        w.put('c');
        w.varint(22 << 3 | CompactForm.STRINGS);
        w.varint(2);
        w.varint(0); // null
        w.varint(2);
        w.put('x');
        w.varint(23 << 3 | CompactForm.NUMBERS);
        w.varint(2);
        w.varint(2);
        w.put('k');
        w.put(1);
        w.varint(99);
        w.varint(2);
        w.put('n');
        w.put(0);
        w.varint(24 << 3 | CompactForm.TEXTS);
        w.varint(1);
        w.varint(2);
        w.put('k');
        w.varint(0);
        byte[] newer = Arrays.copyOf(w.array(), w.size() + known.length - 2);
        System.arraycopy(known, 2, newer, w.size(), known.length - 2); // then the known fields and the end
        assertThat(WireCodec.decode(newer)).isEqualTo(m);
    }

    @Test
    void fieldsAnOlderPeerLeavesOutAreNullOrZero() throws Exception {
        byte[] bare = {CompactForm.FORM, CompactForm.START_RUN, 0};
        assertThat(WireCodec.decode(bare)).isEqualTo(new Message.StartRun(null, null, false, null, null, null, null, 0));
    }

    @Test
    void anUnknownTypeOrKindIsAnError() {
        assertThatThrownBy(() -> WireCodec.decode(new byte[] {CompactForm.FORM, 99, 0}))
                .isInstanceOf(IOException.class).hasMessageContaining("unknown message type 99");
        assertThatThrownBy(() -> WireCodec.decode(new byte[] {CompactForm.FORM, CompactForm.HEARTBEAT, 1 << 3 | 7, 0}))
                .isInstanceOf(IOException.class).hasMessageContaining("kind");
    }

    /** Sealed frames come only from an authenticated peer, but a broken one must still fail cleanly, not crash. */
    @Test
    void truncatedOrScrambledBytesFailAsIoErrors() {
        Random random = new Random(11);
        for (Class<?> type : Message.class.getPermittedSubclasses()) {
            for (int i = 0; i < 50; i++) {
                byte[] good = WireCodec.encodeCompact(messages.of(type));
                byte[] cut = Arrays.copyOf(good, random.nextInt(good.length));
                if (cut.length > 0) {
                    assertThatThrownBy(() -> WireCodec.decode(cut)).isInstanceOf(IOException.class);
                }
                byte[] scrambled = good.clone();
                for (int j = 2 + random.nextInt(3); j > 0 && scrambled.length > 2; j--) {
                    scrambled[2 + random.nextInt(scrambled.length - 2)] = (byte) random.nextInt();
                }
                try {
                    WireCodec.decode(scrambled);
                } catch (IOException expected) {
                    // a clean refusal; anything else (an index out of bounds) fails the test
                }
            }
        }
    }
}
