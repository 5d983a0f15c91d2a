package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A table never wider than asked: the named column gives up its width first, with an ellipsis; then the widest. */
class TableFitTest {
    private static List<String> print(Table t, int width) {
        StringWriter out = new StringWriter();
        t.print(new PrintWriter(out), width, "COMMAND");
        return out.toString().lines().toList();
    }

    private static Table table() {
        Table t = new Table("ID", "STATE", "COMMAND", "REASON");
        t.add("1", "running", "python3 train.py --epochs 100 --data /scratch/alice/imagenet", "-");
        t.add("2", "staged", "true", "needs gpu=1: no worker offers gpu");
        return t;
    }

    @Test
    void theCommandColumnIsShortenedFirst() {
        List<String> lines = print(table(), 70);
        assertThat(lines).allMatch(l -> l.length() <= 70);
        assertThat(lines.get(1)).startsWith("1   running  python3 train.py").endsWith("\u2026  -");
        assertThat(lines.get(2)).endsWith("needs gpu=1: no worker offers gpu");
    }

    @Test
    void thenTheWidestOtherColumnAndAtLastTheLinesAreCut() {
        List<String> lines = print(table(), 40);
        assertThat(lines).allMatch(l -> l.length() <= 40);
        assertThat(lines.get(0)).startsWith("ID  STATE    COMMAND");
        assertThat(print(table(), 20)).allMatch(l -> l.length() <= 20);
    }

    @Test
    void aTableThatFitsIsLeftWhole() {
        assertThat(print(table(), 200).get(1)).isEqualTo("1   running  python3 train.py --epochs 100 --data /scratch/alice/imagenet  -");
    }
}
