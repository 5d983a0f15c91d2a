package io.hpcdask.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLogReaderTest {
    @TempDir
    Path dir;

    /** Writes a log as the server does: an index entry at each change of stream, then the bytes. */
    private Path log(Object... streamsAndTexts) throws Exception {
        Path log = dir.resolve("3.log");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ByteArrayOutputStream index = new ByteArrayOutputStream();
        LogStream last = null;
        for (int i = 0; i < streamsAndTexts.length; i += 2) {
            LogStream s = (LogStream) streamsAndTexts[i];
            if (s != last) {
                index.write(RunLogReader.entry(s, data.size()));
                last = s;
            }
            data.write(((String) streamsAndTexts[i + 1]).getBytes(StandardCharsets.UTF_8));
        }
        Files.write(log, data.toByteArray());
        Files.write(RunLogReader.indexOf(log), index.toByteArray());
        return log;
    }

    private static String text(RunLogChunk c) {
        return new String(c.data(), StandardCharsets.UTF_8);
    }

    @Test
    void theIndexLivesBesideTheLog() {
        assertThat(RunLogReader.indexOf(Path.of("/x/runs/12.log"))).isEqualTo(Path.of("/x/runs/12.streams"));
    }

    @Test
    void oneStreamSkipsTheOthersAndItsNextOffsetIsPastThem() throws Exception {
        Path log = log(LogStream.STDOUT, "out1\n", LogStream.STDERR, "err1\n", LogStream.STDOUT, "out2\n",
                LogStream.STDERR, "err2\n");
        RunLogChunk out = RunLogReader.read(log, 0, LogStream.STDOUT, 100);
        assertThat(text(out)).isEqualTo("out1\nout2\n");
        assertThat(out.nextOffset()).isEqualTo(20).isEqualTo(out.size()); // past the trailing stderr
        RunLogChunk fromMiddle = RunLogReader.read(log, 7, LogStream.STDERR, 100); // inside "err1\n"
        assertThat(text(fromMiddle)).isEqualTo("r1\nerr2\n");
        assertThat(fromMiddle.offset()).isEqualTo(7);
    }

    @Test
    void aSmallMaxCutsTheReadAndTheNextReadGoesOn() throws Exception {
        Path log = log(LogStream.STDOUT, "aaaa", LogStream.STDERR, "bbbb", LogStream.STDOUT, "cccc");
        RunLogChunk first = RunLogReader.read(log, 0, LogStream.STDOUT, 6);
        assertThat(text(first)).isEqualTo("aaaacc");
        assertThat(first.nextOffset()).isEqualTo(10);
        RunLogChunk second = RunLogReader.read(log, first.nextOffset(), LogStream.STDOUT, 6);
        assertThat(text(second)).isEqualTo("cc");
        assertThat(second.nextOffset()).isEqualTo(12);
        RunLogChunk both = RunLogReader.read(log, 2, null, 5);
        assertThat(text(both)).isEqualTo("aabbb");
        assertThat(both.spans()).containsExactly(new RunLogChunk.Span("stdout", 2), new RunLogChunk.Span("stderr", 3));
    }

    @Test
    void notesBelongToEveryView() throws Exception {
        Path log = log(LogStream.STDERR, "e\n", LogStream.NOTE, "=== attempt 2 ===\n", LogStream.STDOUT, "o\n");
        assertThat(text(RunLogReader.read(log, 0, LogStream.STDOUT, 100))).isEqualTo("=== attempt 2 ===\no\n");
        assertThat(text(RunLogReader.read(log, 0, LogStream.STDERR, 100))).isEqualTo("e\n=== attempt 2 ===\n");
    }

    @Test
    void findsItsPlaceInALongIndex() throws Exception {
        Object[] parts = new Object[4000];
        for (int i = 0; i < 2000; i++) {
            parts[2 * i] = i % 2 == 0 ? LogStream.STDOUT : LogStream.STDERR;
            parts[2 * i + 1] = String.format("%05d\n", i);
        }
        Path log = log(parts);
        assertThat(Files.size(RunLogReader.indexOf(log))).isEqualTo(2000L * RunLogReader.ENTRY_BYTES);
        RunLogChunk c = RunLogReader.read(log, 1501 * 6L, LogStream.STDERR, 18);
        assertThat(text(c)).isEqualTo("01501\n01503\n01505\n");
        StringBuilder all = new StringBuilder();
        long offset = 0;
        RunLogChunk chunk;
        do {
            chunk = RunLogReader.read(log, offset, LogStream.STDOUT, 1000);
            all.append(text(chunk));
            offset = chunk.nextOffset();
        } while (offset < chunk.size());
        assertThat(all.toString().split("\n")).hasSize(1000).allMatch(l -> Integer.parseInt(l) % 2 == 0);
    }

    @Test
    void anEntryAheadOfItsBytesAndBytesWithoutEntryAreHandled() throws Exception {
        Path log = log(LogStream.STDOUT, "o\n");
        // a writer that died between the entry and its bytes leaves an entry at the log's end
        Files.write(RunLogReader.indexOf(log), RunLogReader.entry(LogStream.STDERR, 2), StandardOpenOption.APPEND);
        assertThat(text(RunLogReader.read(log, 0, LogStream.STDOUT, 100))).isEqualTo("o\n");
        Files.writeString(log, "e\n", StandardOpenOption.APPEND);
        assertThat(text(RunLogReader.read(log, 0, LogStream.STDERR, 100))).isEqualTo("e\n");
    }

    @Test
    void aLogWithoutIndexIsOfUnknownStreamAndAMissingLogIsEmpty() throws Exception {
        Path log = dir.resolve("4.log");
        Files.writeString(log, "both\n");
        RunLogChunk c = RunLogReader.read(log, 0, LogStream.STDOUT, 100);
        assertThat(text(c)).isEqualTo("both\n");
        assertThat(c.spans()).containsExactly(new RunLogChunk.Span("unknown", 5));
        RunLogChunk none = RunLogReader.read(dir.resolve("9.log"), 0, null, 100);
        assertThat(none.data()).isEmpty();
        assertThat(none.size()).isZero();
    }

    @Test
    void viewsAreStdoutOrStderr() {
        assertThat(LogStream.ofView("stderr")).isEqualTo(LogStream.STDERR);
        assertThat(LogStream.ofView(null)).isNull();
        assertThatThrownBy(() -> LogStream.ofView("both")).hasMessage("stream: 'both' is not a stream; expected stdout or stderr");
    }
}
