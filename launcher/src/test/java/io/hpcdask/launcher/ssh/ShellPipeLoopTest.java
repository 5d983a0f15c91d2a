package io.hpcdask.launcher.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The loop of the long-lived shell, run by bash as a login node's profile may leave it. */
class ShellPipeLoopTest {
    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anIdleShellOutlivesASitesReadonlyTmout() throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "TMOUT=1; readonly TMOUT; " + ShellPipe.LOOP)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(2_500); // idle past TMOUT, which a plain `read` would have obeyed by ending the loop
            assertThat(p.isAlive()).isTrue();
            OutputStream in = p.getOutputStream();
            in.write((b64("echo still here; echo err >&2; exit 4") + "\n\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
            BufferedReader answers = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(answers.readLine()).isEqualTo("HPCDASK:4:" + b64("still here\n") + ":" + b64("err\n"));
        } finally {
            p.destroyForcibly();
        }
    }
}
