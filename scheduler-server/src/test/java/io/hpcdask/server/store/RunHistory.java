package io.hpcdask.server.store;

import io.hpcdask.server.ids.RunId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/** The state transitions a store records for each run: only tests read them back, so the reading lives here. */
final class RunHistory {
    private RunHistory() {}

    /** Every committed transition of one run, oldest first, as {@code from->to}. */
    static List<String> transitions(RunStore store, RunId id) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection c = config.createConnection("jdbc:sqlite:" + store.file().toAbsolutePath());
                PreparedStatement ps = c.prepareStatement(
                        "SELECT from_state, to_state FROM transitions WHERE run_id = ? ORDER BY rowid")) {
            ps.setLong(1, id.number());
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + "->" + rs.getString(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read transitions from " + store.file(), e);
        }
    }
}
