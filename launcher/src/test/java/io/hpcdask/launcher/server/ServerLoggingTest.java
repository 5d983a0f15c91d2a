package io.hpcdask.launcher.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Issue 9 row 6, the disk half: a flood of log lines rolls server.log over by size and keeps a bounded number of files. */
class ServerLoggingTest {
    @TempDir
    Path dir;

    @AfterEach
    void restoreTestLogging() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        new ContextInitializer(ctx).autoConfig();
    }

    @Test
    void aFloodOfLinesRollsTheLogOverAndKeepsFiveFiles() throws Exception {
        Path log = dir.resolve("server.log");
        long max = 64 * 1024;
        ServerLogging.configure(log, false, max);
        Logger l = LoggerFactory.getLogger("flood");
        String line = "x".repeat(200);
        long written = 0;
        // twenty times what five files hold; the size check runs every few milliseconds, so pace a little
        for (int i = 0; written < 20 * ServerLogging.FILES * max; i++) {
            l.warn("{} {}", i, line);
            written += line.length() + 80;
            if (i % 50 == 0) {
                Thread.sleep(2);
            }
        }
        l.warn("last line");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("server.log", "server.log.1", "server.log.2", "server.log.3", "server.log.4");
        }
        long total = 0;
        for (String name : new String[] {"server.log", "server.log.1", "server.log.2", "server.log.3", "server.log.4"}) {
            total += Files.size(dir.resolve(name));
        }
        assertThat(total).as("bytes on disk, of about %d written", written).isLessThan(written / 2);
        assertThat(Files.readString(log)).contains("last line");
    }

    @Test
    void theServerLogLevelIsInfoOrDebugAndAnythingElseIsRefusedWithTheAcceptedValues() {
        assertThat(ServerLogging.debug(null)).isFalse();
        assertThat(ServerLogging.debug("")).isFalse();
        assertThat(ServerLogging.debug("info")).isFalse();
        assertThat(ServerLogging.debug("DEBUG")).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerLogging.debug("verbose"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("HPC_DASK_SERVER_LOG: 'verbose' is not a server log level; expected info or debug");
    }
}
