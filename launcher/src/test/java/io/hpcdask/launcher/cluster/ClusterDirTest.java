package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.SchedulerServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A cluster's files are where the scheduler server keeps them. */
class ClusterDirTest {
    @Test
    void theDatabaseIsTheServersDatabaseFile() {
        Path dir = Path.of("/tmp/some-cluster");
        assertThat(new ClusterDir("c", dir).database()).isEqualTo(SchedulerServer.databaseFile(dir));
    }
}
