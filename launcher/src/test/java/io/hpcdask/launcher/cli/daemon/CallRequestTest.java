package io.hpcdask.launcher.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallRequestTest {
    @Test
    void decodesWhatItEncodes() {
        CallRequest r = new CallRequest(new JarStamp("/opt/hpc-dask.jar", 123, 456), "/home/me", true, false, true, 132,
                List.of("submit", "run", "--", "echo", "a b", ""), Map.of("HOME", "/home/me", "EMPTY", "", "EQ", "a=b"));
        assertThat(CallRequest.decode(r.encode())).isEqualTo(r);
    }

    @Test
    void decodesWhatThePerlClientSends() {
        byte[] wire = String.join("\0", "1", "/j.jar", "10", "20", "/w", "010", "0", "2", "runs", "--json", "A=1", "B=")
                .getBytes(StandardCharsets.UTF_8);
        CallRequest r = CallRequest.decode(wire);
        assertThat(r.args()).containsExactly("runs", "--json");
        assertThat(r.env()).containsExactlyInAnyOrderEntriesOf(Map.of("A", "1", "B", ""));
        assertThat(r.stdoutTty()).isTrue();
        assertThat(r.stdinTty()).isFalse();
        assertThat(r.jar()).isEqualTo(new JarStamp("/j.jar", 10, 20));
    }

    @Test
    void refusesWhatNoClientOfOursSends() {
        assertThatThrownBy(() -> CallRequest.decode("2\0a".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] tooFew = String.join("\0", "1", "/j.jar", "10", "20", "/w", "000", "0", "5", "runs")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CallRequest.decode(tooFew)).hasMessageContaining("5 arguments");
    }
}
