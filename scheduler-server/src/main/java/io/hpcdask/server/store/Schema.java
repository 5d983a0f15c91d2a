package io.hpcdask.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The tables, as numbered migrations. {@code PRAGMA user_version} holds the number of the last one applied (0: a new
 * file, or a store of hpc-dask 0.1 before versions). Opening a store applies the missing ones in order, in one
 * transaction, so a store is at one version or the next, never between. A store newer than this code is refused.
 *
 * <p>To change the tables, add a method {@code versionN(Statement)} and its entry at the end of {@link #MIGRATIONS};
 * never edit one that was released, as stores out there are already past it.
 */
final class Schema {
    private Schema() {}

    /** One step: brings a store from {@code version - 1} to {@code version}. */
    record Migration(int version, String what, Step step) {}

    @FunctionalInterface
    interface Step {
        void apply(Statement s) throws SQLException;
    }

    /** Every migration, in order; entry i is version i + 1 (checked by SchemaTest). */
    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "runs, transitions, requests, store_probe (the tables of 0.1)", Schema::version1));

    /** The version this code writes. */
    static int latest() {
        return MIGRATIONS.size();
    }

    /** Brings the store to {@link #latest()}, or refuses one newer than it; returns the version it was at. */
    static int migrate(Connection c, Path file) throws SQLException {
        return migrate(c, file, latest());
    }

    /** Brings the store to {@code target}: tests make stores of older versions with it. */
    static int migrate(Connection c, Path file, int target) throws SQLException {
        try (Statement s = c.createStatement()) {
            // the write lock first: two servers opening one store at once must not both migrate it
            s.execute("BEGIN IMMEDIATE");
            boolean done = false;
            try {
                int found = version(s);
                if (found > latest()) {
                    throw new StoreTooNewException(file, found, latest());
                }
                for (Migration m : MIGRATIONS.subList(Math.min(found, target), target)) {
                    m.step().apply(s);
                }
                if (target > found) {
                    s.execute("PRAGMA user_version = " + target); // part of the transaction: rolled back with it
                }
                s.execute("COMMIT");
                done = true;
                return found;
            } finally {
                if (!done) {
                    s.execute("ROLLBACK");
                }
            }
        }
    }

    static int version(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /**
     * The tables of 0.1. Ids come from AUTOINCREMENT's sequence, so they never repeat, even across restarts. A store
     * of 0.1 has them already (at version 0): hence IF NOT EXISTS, and the reason column that its first releases
     * lacked.
     */
    private static void version1(Statement s) throws SQLException {
        s.executeUpdate("""
                CREATE TABLE IF NOT EXISTS runs (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  label TEXT,
                  spec TEXT NOT NULL,
                  requires TEXT NOT NULL,
                  state TEXT NOT NULL,
                  worker TEXT,
                  attempts INTEGER NOT NULL DEFAULT 0,
                  staged_at INTEGER,
                  started_at INTEGER,
                  ended_at INTEGER,
                  exit_code INTEGER,
                  assignment TEXT,
                  reason TEXT)""");
        if (!hasColumn(s, "runs", "reason")) {
            s.executeUpdate("ALTER TABLE runs ADD COLUMN reason TEXT");
        }
        s.executeUpdate("CREATE INDEX IF NOT EXISTS runs_state ON runs(state)");
        s.executeUpdate("""
                CREATE TABLE IF NOT EXISTS transitions (
                  run_id INTEGER NOT NULL,
                  from_state TEXT,
                  to_state TEXT NOT NULL,
                  worker TEXT,
                  exit_code INTEGER,
                  attempts INTEGER NOT NULL,
                  at INTEGER NOT NULL)""");
        // a submission's client-chosen id and the runs it staged (ids first_id .. first_id + count - 1), so that
        // a retried submission gets the same runs back instead of staging them twice
        s.executeUpdate("""
                CREATE TABLE IF NOT EXISTS requests (
                  request_id TEXT PRIMARY KEY,
                  first_id INTEGER NOT NULL,
                  count INTEGER NOT NULL,
                  at INTEGER NOT NULL)""");
        // one row the store rewrites to learn whether the disk takes writes again after a failure
        s.executeUpdate("CREATE TABLE IF NOT EXISTS store_probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)");
    }

    static boolean hasColumn(Statement s, String table, String column) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                if (column.equals(rs.getString("name"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
