package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive a command started with is removed only when the JVM ran without sharing (it refused the archive). */
class StartArchiveTest {
    @TempDir
    Path dir;

    @Test
    void refusedArchiveIsRemoved() throws Exception {
        Path archive = Files.writeString(dir.resolve("runs.jsa"), "made from another jar");
        assertThat(StartArchive.dropIfUnused(archive.toString(), "mixed mode, emulated-client")).isTrue();
        assertThat(archive).doesNotExist();
        assertThat(StartArchive.dropIfUnused(archive.toString(), "mixed mode, emulated-client")).isFalse();
    }

    @Test
    void usedArchiveAndNoArchiveAreLeftAlone() throws Exception {
        Path archive = Files.writeString(dir.resolve("runs.jsa"), "mapped");
        assertThat(StartArchive.dropIfUnused(archive.toString(), "mixed mode, emulated-client, sharing")).isFalse();
        assertThat(StartArchive.dropIfUnused(null, "mixed mode")).isFalse();
        assertThat(StartArchive.dropIfUnused("", "mixed mode")).isFalse();
        assertThat(archive).exists();
    }
}
