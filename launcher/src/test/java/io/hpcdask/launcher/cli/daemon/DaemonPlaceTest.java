package io.hpcdask.launcher.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonPlaceTest {
    @TempDir
    Path tmp;

    @Test
    void nodeLocalRuntimeDirectoryElseTmpByUid() {
        assertThat(DaemonPlace.directory(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), 1000))
                .isEqualTo(Path.of("/run/user/1000/hpc-dask"));
        assertThat(DaemonPlace.directory(Map.of("HOME", "/home/me"), 1000)).isEqualTo(Path.of("/tmp/hpc-dask-1000"));
        assertThat(DaemonPlace.directory(Map.of("XDG_RUNTIME_DIR", ""), 7)).isEqualTo(Path.of("/tmp/hpc-dask-7"));
    }

    @Test
    void madePrivateWhenAbsent() throws Exception {
        Path dir = tmp.resolve("a/hpc-dask");
        assertThat(DaemonPlace.prepare(dir)).isPresent();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void anOpenDirectoryOrALinkIsRefusedAndLeftAsItIs() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(DaemonPlace.prepare(open)).isEmpty();
        assertThat(DaemonPlace.unsafeReason(open)).contains("has mode rwxrwxrwx");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(open))).isEqualTo("rwxrwxrwx");

        Path target = Files.createDirectory(tmp.resolve("target"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        assertThat(DaemonPlace.prepare(link)).isEmpty();
        assertThat(DaemonPlace.unsafeReason(link)).endsWith("is not a directory");
        assertThat(DaemonPlace.prepare(target)).isPresent();
    }

    @Test
    void socketNamedAfterTheJarAsPerlSumsIt() {
        String jar = "/opt/hpc-dask-0.1.0/lib/hpc-dask.jar";
        long sum = 0;
        for (byte b : jar.getBytes(StandardCharsets.UTF_8)) {
            sum += b & 0xff;
        }
        assertThat(new DaemonPlace(tmp).socket(jar).getFileName().toString()).isEqualTo("cli-" + sum + ".sock");
    }
}
