package io.hpcdask.launcher.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** worker-command's words are those a POSIX shell reads from the same line, with nothing expanded. */
class ShellWordsTest {
    @Test
    void splitsAsAShellReadsQuotes() throws Exception {
        for (String line : List.of("apptainer exec img.sif java", "  a\t'b c'  \"d \\\"e\\\" \\$f\" g\\ h 'i\"j' ",
                "x''y \"\" z", "/opt/java 17/bin/java")) {
            assertThat(ShellWords.split(line)).as(line).isEqualTo(shell(line));
        }
        assertThat(ShellWords.split("apptainer exec 'my image.sif' java")).containsExactly("apptainer", "exec", "my image.sif", "java");
    }

    @Test
    void nothingExpands() {
        assertThat(ShellWords.split("$HOME/java `id` \"$(id)\"")).containsExactly("$HOME/java", "`id`", "$(id)");
    }

    @Test
    void openQuotesAndEmptyLinesAreRefused() {
        assertThatThrownBy(() -> ShellWords.split("apptainer exec 'img.sif java")).hasMessage("the ' at character 16 is never closed");
        assertThatThrownBy(() -> ShellWords.split("a \"b")).hasMessage("the \" at character 3 is never closed");
        assertThatThrownBy(() -> ShellWords.split("a\\")).hasMessage("it ends with a lone \\");
        assertThatThrownBy(() -> ShellWords.split("   ")).hasMessage("it holds no word");
    }

    /** The words sh makes of a line without expansions. */
    private static List<String> shell(String line) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "printf '%s\\0' " + line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return Arrays.asList(out.substring(0, out.length() - 1).split("\0", -1));
    }
}
