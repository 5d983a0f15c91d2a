package io.hpcdask.launcher.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Quoted values are handed to a real bash, which must see exactly one word equal to the value. */
class ShellQuoteTest {

    @ParameterizedTest
    @ValueSource(strings = {"plain", "with space", "it's", "x; touch /tmp/pwned", "$(id)", "`id`", "$HOME", "a\"b",
        "back\\slash", "*", "~", "", "semi;colon|pipe&amp>redir<in", "tab\there", "!bang", "#hash", "-n"})
    void quoteIsOneLiteralWord(String value) throws Exception {
        assertThat(bashWords(ShellQuote.quote(value), Map.of())).containsExactly(value);
    }

    @Test
    void safeValuesStayUnquoted() {
        assertThat(ShellQuote.quote("hpc-dask-worker")).isEqualTo("hpc-dask-worker");
        assertThat(ShellQuote.quote("10.0.0.5:8786")).isEqualTo("10.0.0.5:8786");
        assertThat(ShellQuote.quote("gpu=1 foo=5")).isEqualTo("'gpu=1 foo=5'");
    }

    @Test
    void variablesExpandButNothingElseDoes() throws Exception {
        String quoted = ShellQuote.quoteExpandingVariables("$TMPDIR/${USER}/a b/$$/$(id)/`id`/\"q\"/\\");
        assertThat(bashWords(quoted, Map.of("TMPDIR", "/scratch", "USER", "ann")))
                .containsExactly("/scratch/ann/a b/$$/$(id)/`id`/\"q\"/\\");
    }

    private static List<String> bashWords(String words, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "for w in " + words + "; do printf '%s\\0' \"$w\"; done");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return out.isEmpty() ? List.of("") : List.of(out.substring(0, out.length() - 1).split("\0", -1));
    }
}
