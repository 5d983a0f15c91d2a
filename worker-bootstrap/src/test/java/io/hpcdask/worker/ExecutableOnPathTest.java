package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutableOnPathTest {
    @TempDir
    Path dir;

    @Test
    void theFirstExecutableOnThePathIsFoundAndAPlainFileIsNot() throws Exception {
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        Files.writeString(a.resolve("tool"), "not executable");
        Files.writeString(b.resolve("tool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(b.resolve("tool"), PosixFilePermissions.fromString("rwx------"));
        String path = String.join(File.pathSeparator, "", a.toString(), b.toString());
        assertThat(ExecutableOnPath.find("tool", path)).contains(b.resolve("tool"));
        assertThat(ExecutableOnPath.find("other", path)).isEmpty();
        assertThat(ExecutableOnPath.find("tool", null)).isEmpty();
    }
}
