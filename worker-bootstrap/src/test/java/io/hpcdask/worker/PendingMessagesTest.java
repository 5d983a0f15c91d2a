package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.protocol.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingMessagesTest {
    private static Message.RunOutput out(String run, String text) {
        return new Message.RunOutput(run, "stdout", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsOrderAndDropsHeartbeats() {
        PendingMessages p = new PendingMessages(1_000);
        p.add(out("a", "1"));
        p.add(new Message.Heartbeat(5));
        p.add(new Message.RunFinished("a", 0, false, null));
        assertThat(p.finishedRunIds()).containsExactly("a");
        List<Message> drained = p.drain();
        assertThat(drained).hasSize(2);
        assertThat(drained.get(1)).isEqualTo(new Message.RunFinished("a", 0, false, null));
        assertThat(p.isEmpty()).isTrue();
    }

    @Test
    void outputBeyondTheBoundIsDroppedAndAnnouncedBeforeTheResult() {
        PendingMessages p = new PendingMessages(4);
        p.add(out("a", "abc"));
        p.add(out("a", "defgh"));
        p.add(new Message.RunFinished("a", 0, false, null));
        List<Message> drained = p.drain();
        assertThat(drained).hasSize(3);
        Message.RunOutput note = (Message.RunOutput) drained.get(1);
        assertThat(note.stream()).isEqualTo("stderr");
        assertThat(new String(note.data(), StandardCharsets.UTF_8)).contains("5 bytes of output were dropped");
        assertThat(drained.get(2)).isInstanceOf(Message.RunFinished.class);
    }

    @Test
    void aRunStillGoingHasItsDropNoteFlushedToo() {
        PendingMessages p = new PendingMessages(0);
        p.add(out("b", "x"));
        List<Message> drained = p.drain();
        assertThat(drained).singleElement().isInstanceOfSatisfying(Message.RunOutput.class,
                o -> assertThat(new String(o.data(), StandardCharsets.UTF_8)).contains("1 bytes of output were dropped"));
    }
}
