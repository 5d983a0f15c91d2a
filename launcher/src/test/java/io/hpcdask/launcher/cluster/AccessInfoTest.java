package io.hpcdask.launcher.cluster;

import io.hpcdask.launcher.server.Tokens;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessInfoTest {
    @TempDir
    Path home;

    @Test
    void accessFileIsOwnerOnlyInAnOwnerOnlyDirectoryAndRoundTrips() throws Exception {
        ClusterDir dir = new ClusterHome(home).cluster("c1").create();
        AccessInfo info = new AccessInfo("c1", "127.0.0.1", 4000, 5000, "tok", ProcessHandle.current().pid(), 1L);
        info.write(dir.accessFile());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.accessFile()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.path()))).isEqualTo("rwx------");
        assertThat(dir.readAccess()).contains(info);
        assertThat(info.toString()).doesNotContain("tok");
    }

    @Test
    void tokenFileIsOwnerOnly() throws Exception {
        Path f = home.resolve("worker.token");
        String token = Tokens.newToken();
        Tokens.writeTokenFile(f, token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(Files.readString(f).strip()).isEqualTo(token).hasSize(64);
        assertThat(Tokens.newToken()).isNotEqualTo(token);
    }

    @Test
    void aDeadPidIsNotARunningServer() {
        AccessInfo stale = new AccessInfo("c1", "127.0.0.1", 1, 2, "t", Long.MAX_VALUE / 2, 1L);
        assertThat(stale.processAlive()).isFalse();
    }

    @Test
    void unreadableAccessFileMeansNoCluster() throws Exception {
        ClusterDir dir = new ClusterHome(home).cluster("c2").create();
        Files.writeString(dir.accessFile(), "{not json");
        assertThat(dir.readAccess()).isEmpty();
    }

    @Test
    void existingNamesAreTheClusterDirectoriesSorted() throws Exception {
        ClusterHome h = new ClusterHome(home);
        assertThat(h.existingNames()).isEmpty();
        h.cluster("b").create();
        h.cluster("a").create();
        Files.createDirectories(h.clustersDir().resolve(".hidden"));
        assertThat(h.existingNames()).containsExactly("a", "b");
    }
}
