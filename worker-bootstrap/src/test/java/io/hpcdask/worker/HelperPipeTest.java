package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HelperPipeTest {
    /** Says hello, then echoes each line it is given until its input closes, then says bye. */
    private static Process child() throws Exception {
        return new ProcessBuilder("sh", "-c", "echo hello; while read l; do echo \"$l\"; done; echo bye").start();
    }

    /** Up to {@code bytes}, or to the end; read as SpawnHelper does (this JDK's readNBytes seeks, which a pipe cannot). */
    private static String readSome(InputStream pipe, int bytes) throws Exception {
        byte[] b = new byte[bytes];
        int n = 0;
        for (int r; n < bytes && (r = pipe.read(b, n, bytes - n)) >= 0; ) {
            n += r;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void readsWhatTheChildWritesAfterItsHelloStraightFromItsPipeToItsEnd() throws Exception {
        Process p = child();
        InputStream stream = p.getInputStream();
        assertThat(new String(stream.readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("hello\n");
        try (InputStream pipe = HelperPipe.open(p, stream); OutputStream in = p.getOutputStream()) {
            assertThat(pipe).isNotNull();
            in.write("one\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(readSome(pipe, 4)).isEqualTo("one\n");
            in.close();
            assertThat(readSome(pipe, 100)).as("everything to the end of its output").isEqualTo("bye\n");
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void leavesTheStreamToBeReadWhenItHoldsWhatWasNotReadYet() throws Exception {
        Process p = child();
        try {
            InputStream stream = p.getInputStream();
            assertThat(stream.read()).isEqualTo('h');
            assertThat(HelperPipe.open(p, stream)).isNull();
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void isNotOpenedForAChildThatHasGone() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor(10, TimeUnit.SECONDS);
        assertThat(HelperPipe.open(p, p.getInputStream())).isNull();
    }
}
