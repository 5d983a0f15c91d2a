package io.hpcdask.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.api.LogStream;
import io.hpcdask.server.api.RunLogChunk;
import io.hpcdask.server.api.RunLogReader;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLogsTest {
    private static final RunId RUN = RunId.of("5");

    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(RunLogChunk c) {
        return new String(c.data(), StandardCharsets.UTF_8);
    }

    @Test
    void theLogStaysMergedAndTheIndexHoldsOneEntryPerChangeOfStream() throws Exception {
        RunLogs logs = new RunLogs(dir);
        logs.prepare(RUN);
        logs.append(RUN, LogStream.STDOUT, b("a1\n"));
        logs.append(RUN, LogStream.STDOUT, b("a2\n"));
        logs.append(RUN, LogStream.STDERR, b("e1\n"));
        logs.append(RUN, LogStream.STDOUT, b("a3\n"));

        assertThat(Files.readString(logs.path(RUN))).isEqualTo("a1\na2\ne1\na3\n");
        assertThat(Files.size(logs.streamsPath(RUN))).isEqualTo(3L * RunLogReader.ENTRY_BYTES);
        Path log = logs.path(RUN);
        assertThat(text(RunLogReader.read(log, 0, LogStream.STDOUT, 1 << 20))).isEqualTo("a1\na2\na3\n");
        assertThat(text(RunLogReader.read(log, 0, LogStream.STDERR, 1 << 20))).isEqualTo("e1\n");
        RunLogChunk all = RunLogReader.read(log, 0, null, 1 << 20);
        assertThat(all.spans()).containsExactly(new RunLogChunk.Span("stdout", 6), new RunLogChunk.Span("stderr", 3),
                new RunLogChunk.Span("stdout", 3));
    }

    @Test
    void aRunThatPrintsOnlyToStdoutWritesOneEntry() throws Exception {
        RunLogs logs = new RunLogs(dir);
        logs.prepare(RUN);
        for (int i = 0; i < 100; i++) {
            logs.append(RUN, LogStream.STDOUT, b("line " + i + "\n"));
        }
        assertThat(Files.size(logs.streamsPath(RUN))).isEqualTo(RunLogReader.ENTRY_BYTES);
    }

    @Test
    void aNewServerContinuesTheIndexOfALogItDidNotWrite() throws Exception {
        new RunLogs(dir).append(RUN, LogStream.STDERR, b("e1\n"));
        RunLogs restarted = new RunLogs(dir); // knows nothing of run 5: reads its index's last entry
        restarted.append(RUN, LogStream.STDERR, b("e2\n"));
        restarted.append(RUN, LogStream.NOTE, RunLogs.attemptHeader(2, WorkerId.of("w1"), 0));
        restarted.append(RUN, LogStream.STDOUT, b("o\n"));
        assertThat(Files.size(restarted.streamsPath(RUN))).isEqualTo(3L * RunLogReader.ENTRY_BYTES);
        String stderr = text(RunLogReader.read(restarted.path(RUN), 0, LogStream.STDERR, 1 << 20));
        assertThat(stderr).startsWith("e1\ne2\n=== hpc-dask: attempt 2 on worker w1").doesNotContain("o\n");
        String stdout = text(RunLogReader.read(restarted.path(RUN), 0, LogStream.STDOUT, 1 << 20));
        assertThat(stdout).startsWith("=== hpc-dask: attempt 2").endsWith("===\no\n").doesNotContain("e1");
    }

    @Test
    void aLogWrittenBeforeStreamsWereKeptReadsWholeAsUnknownAndNewOutputIsPlaced() throws Exception {
        RunLogs logs = new RunLogs(dir);
        Files.writeString(logs.path(RUN), "old out\nold err\n"); // as an older server left it: no index
        assertThat(RunLogReader.read(logs.path(RUN), 0, LogStream.STDERR, 1 << 20).spans())
                .containsExactly(new RunLogChunk.Span("unknown", 16));
        logs.append(RUN, LogStream.STDERR, b("new err\n"));
        assertThat(text(RunLogReader.read(logs.path(RUN), 0, LogStream.STDOUT, 1 << 20))).isEqualTo("old out\nold err\n");
        assertThat(text(RunLogReader.read(logs.path(RUN), 0, LogStream.STDERR, 1 << 20)))
                .isEqualTo("old out\nold err\nnew err\n");
    }

    @Test
    void concurrentWritersOfOneRunKeepLogAndIndexInStep() throws Exception {
        RunLogs logs = new RunLogs(dir);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                LogStream stream = t % 2 == 0 ? LogStream.STDOUT : LogStream.STDERR;
                String letter = stream == LogStream.STDOUT ? "o" : "e";
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        logs.append(RUN, stream, b(letter.repeat(1 + i % 7)));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        String out = text(RunLogReader.read(logs.path(RUN), 0, LogStream.STDOUT, 1 << 20));
        String err = text(RunLogReader.read(logs.path(RUN), 0, LogStream.STDERR, 1 << 20));
        assertThat(out).matches("o+").hasSize(2 * 1197); // two writers, each the sum over i of 1 + i % 7
        assertThat(err).matches("e+").hasSize(out.length());
    }

    /**
     * Names are not looked up while the directory had no subdirectory at the last look; one that appears is seen from
     * the next look.
     */
    @Test
    void aDirectoryInTheWayOfALogIsFoundFromTheLookAfterItAppeared() throws Exception {
        RunLogs logs = new RunLogs(dir);
        logs.prepare(RunId.of("6"));
        logs.lookAgain();
        Files.createDirectory(dir.resolve("7.log"));
        Files.createDirectory(dir.resolve("unrelated"));
        logs.prepare(RunId.of("8")); // its name is free
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> logs.prepare(RunId.of("7")))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageEndingWith("7.log): a directory is in the way");
        logs.lookAgain();
        Files.delete(dir.resolve("unrelated"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> logs.prepare(RunId.of("7")))
                .hasMessageEndingWith("7.log): a directory is in the way");
        logs.lookAgain();
        Files.delete(dir.resolve("7.log"));
        logs.prepare(RunId.of("7"));
        logs.append(RunId.of("7"), LogStream.STDOUT, b("out\n"));
        assertThat(Files.readString(logs.path(RunId.of("7")))).isEqualTo("out\n");
    }
}
