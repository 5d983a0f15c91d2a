package io.hpcdask.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The tables. Ids come from AUTOINCREMENT's sequence, so they never repeat, even across restarts. */
final class Schema {
    private Schema() {}

    /** Columns added after the first version, each with its type and default; added to an older database on open. */
    static final String[][] ADDED_COLUMNS = {
        {"reason", "TEXT"},
        {"priority", "INTEGER NOT NULL DEFAULT 0"},
        {"time_limit_ms", "INTEGER NOT NULL DEFAULT 0"},
        {"max_attempts", "INTEGER NOT NULL DEFAULT 0"},
        {"retries", "INTEGER NOT NULL DEFAULT 0"},
        {"after_ids", "TEXT"},
        {"retried", "INTEGER NOT NULL DEFAULT 0"},
        {"try_base", "INTEGER NOT NULL DEFAULT 0"},
    };

    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
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
            // run policies (set at staging, also in spec) and the retry counters the scheduler keeps
            java.util.Set<String> columns = new java.util.HashSet<>();
            try (java.sql.ResultSet rs = s.executeQuery("PRAGMA table_info(runs)")) {
                while (rs.next()) {
                    columns.add(rs.getString("name"));
                }
            }
            for (String[] column : ADDED_COLUMNS) { // a database of an older version
                if (!columns.contains(column[0])) {
                    s.executeUpdate("ALTER TABLE runs ADD COLUMN " + column[0] + " " + column[1]);
                }
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
    }
}
