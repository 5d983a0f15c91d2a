package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.ClusterHome;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.store.RunStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9 row 14: a label holding a newline or ANSI codes cannot forge rows or repaint the terminal. */
class TableEscapingTest {
    private static final String FORGED = "ok\n4242  payroll   completed  -  w1  2025-01-01 00:00:00";
    private static final String ANSI = "\u001b[2J\u001b[31mred\u001b[0m\r\u009b1A";

    @TempDir
    Path home;

    @Test
    void cellsHaveTheirControlCharactersEscaped() {
        Table t = new Table("ID", "LABEL", "STATE");
        t.add("1", FORGED, "staged");
        t.add("2", ANSI, "staged");
        StringWriter out = new StringWriter();
        t.print(new PrintWriter(out));
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("1  ").contains("ok\\n4242  payroll");
        assertThat(lines.get(2)).contains("\\u001b[2J\\u001b[31mred\\u001b[0m\\r\\u009b1A");
        assertThat(out.toString()).doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u009b");
    }

    @Test
    void theRunsCommandPrintsOneRowPerRunWhateverItsLabel() {
        ClusterDir dir = new ClusterHome(home).cluster("c1").create();
        try (RunStore store = RunStore.open(dir.database())) {
            store.stage(List.of(
                    new RunRequest(List.of("true"), false, null, Map.of(), List.of(), FORGED, Map.of()),
                    new RunRequest(List.of("true"), false, null, Map.of(), List.of(), ANSI, Map.of())), 1L);
            store.flush();
        }
        CliRun.Result runs = CliInHome.run(home, "runs", "--name", "c1");
        assertThat(runs.exitCode()).as(CliInHome.describe(runs)).isZero();
        List<String> lines = runs.out().lines().toList();
        assertThat(lines).as(runs.out()).hasSize(3);
        assertThat(lines.get(0)).startsWith("ID");
        assertThat(lines.get(1)).startsWith("1 ").contains("ok\\n4242");
        assertThat(lines.get(2)).startsWith("2 ").contains("\\u001b[2J");
        assertThat(runs.out()).doesNotContain("\u001b").doesNotContain("\r");
    }
}
