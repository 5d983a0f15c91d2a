package io.hpcdask.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.ids.RunId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaTest {
    @TempDir
    Path dir;

    /** store/store-v0.db: written by hpc-dask 0.1's RunStore before schema versions (store/README.md says how). */
    private Path fixture(String name) throws IOException {
        Path db = dir.resolve("runs.db");
        try (InputStream in = SchemaTest.class.getResourceAsStream("/store/" + name)) {
            assertThat(in).as(name).isNotNull();
            Files.copy(in, db);
        }
        return db;
    }

    private static int userVersion(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            return Schema.version(s);
        }
    }

    @Test
    void migrationsAreNumberedInOrderFromOne() {
        for (int i = 0; i < Schema.MIGRATIONS.size(); i++) {
            assertThat(Schema.MIGRATIONS.get(i).version()).as(Schema.MIGRATIONS.get(i).what()).isEqualTo(i + 1);
        }
        assertThat(Schema.latest()).isEqualTo(Schema.MIGRATIONS.size()).isPositive();
    }

    @Test
    void aNewStoreIsAtTheLatestVersion() throws SQLException {
        Path db = dir.resolve("runs.db");
        RunStore.open(db).close();
        assertThat(userVersion(db)).isEqualTo(Schema.latest());
    }

    @Test
    void aStoreOfThePreviousVersionMigratesWithItsRunsIntact() throws Exception {
        Path db = fixture("store-v0.db");
        assertThat(userVersion(db)).isZero();
        try (RunStore store = RunStore.open(db)) {
            List<StoredRun> runs = store.runs(null);
            assertThat(runs).extracting(r -> r.id().value()).containsExactly("1", "2", "3", "4");
            assertThat(runs).extracting(StoredRun::state)
                    .containsExactly(RunState.COMPLETED, RunState.ERROR, RunState.RUNNING, RunState.STAGED);
            assertThat(runs.get(0).spec()).isEqualTo(new RunRequest(List.of("python", "train.py", "--lr", "0.1"), false,
                    "/home/u/exp", Map.of("SEED", "1"), List.of("dask:gpu=1"), "train-a", Map.of("gpu", 1L)));
            assertThat(runs.get(1).exitCode()).isEqualTo(3);
            assertThat(runs.get(1).reason()).isEqualTo("exited with status 3");
            assertThat(runs.get(2).worker().name()).isEqualTo("node2-1");
            assertThat(runs.get(2).assignment().resources()).isEqualTo(Map.of("foo", 5L));
            assertThat(RunHistory.transitions(store, RunId.of("2"))).containsExactly("staged->running", "running->error");
            // ids keep counting past the old ones, and the old request id still names its runs
            assertThat(store.stage(List.of(RunStoreTest.spec("new")), 1).get(0).id().value()).isEqualTo("5");
            assertThat(store.stage(List.of(RunStoreTest.spec("x"), RunStoreTest.spec("y"), RunStoreTest.spec("z")), 2,
                    "req-0001")).extracting(r -> r.id().value()).containsExactly("1", "2", "3");
        }
        assertThat(userVersion(db)).isEqualTo(Schema.latest());
        try (RunStore store = RunStore.open(db)) { // opening again migrates nothing and loses nothing
            assertThat(store.runs(null)).hasSize(5);
        }
    }

    @Test
    void aStoreOfTheFirstReleasesGetsTheReasonColumn() throws Exception {
        Path db = dir.resolve("runs.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT, spec TEXT NOT NULL,"
                    + " requires TEXT NOT NULL, state TEXT NOT NULL, worker TEXT, attempts INTEGER NOT NULL DEFAULT 0,"
                    + " staged_at INTEGER, started_at INTEGER, ended_at INTEGER, exit_code INTEGER, assignment TEXT)");
        }
        try (RunStore store = RunStore.open(db)) {
            assertThat(store.stage(List.of(RunStoreTest.spec("a")), 1)).hasSize(1);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            assertThat(Schema.hasColumn(s, "runs", "reason")).isTrue();
            assertThat(Schema.version(s)).isEqualTo(Schema.latest());
        }
    }

    @Test
    void aStoreNewerThanThisCodeIsRefusedAndLeftAsItWas() throws Exception {
        Path db = fixture("store-v0.db");
        int newer = Schema.latest() + 2;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + newer);
        }
        byte[] before = Files.readAllBytes(db);
        assertThatThrownBy(() -> RunStore.open(db))
                .isInstanceOf(StoreTooNewException.class)
                .hasMessageStartingWith("store schema " + newer + " is newer than this hpc-dask (knows " + Schema.latest()
                        + "): upgrade hpc-dask")
                .hasMessageContaining(db.toString());
        assertThat(userVersion(db)).isEqualTo(newer);
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
    }

    @Test
    void everyOlderVersionMigratesToTheLatest() throws SQLException {
        for (int v = 0; v < Schema.latest(); v++) {
            Path db = dir.resolve("v" + v + ".db");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
                Schema.migrate(c, db, v);
                assertThat(Schema.migrate(c, db)).isEqualTo(v);
                try (Statement s = c.createStatement()) {
                    assertThat(Schema.version(s)).isEqualTo(Schema.latest());
                }
            }
        }
    }

    @Test
    void aFailingMigrationLeavesTheStoreAtItsVersion() throws Exception {
        Path db = fixture("store-v0.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            // version 1 then adds the reason column, and fails at its index, for a table is in the way
            s.executeUpdate("DROP INDEX runs_state");
            s.executeUpdate("ALTER TABLE runs DROP COLUMN reason");
            s.executeUpdate("CREATE TABLE runs_state (x)");
        }
        assertThatThrownBy(() -> RunStore.open(db)).isInstanceOf(StoreException.class)
                .hasMessageContaining("runs_state");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            assertThat(Schema.version(s)).isZero();
            assertThat(Schema.hasColumn(s, "runs", "reason")).as("the column added before the failure").isFalse();
        }
    }
}
