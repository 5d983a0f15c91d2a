package io.hpcdask.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads that count and page in SQL instead of loading the runs table: the latest runs of a state, the number of runs
 * per state, and how a set of runs ended. Each read shows the state changes queued but not yet committed, as
 * {@link RunStore#runs} does, by reading those runs' committed rows beside the answer and correcting it.
 */
public final class RunQueries {
    /** A read on one snapshot of the database, with the changes that were queued when it began. */
    @FunctionalInterface
    interface Reads<T> {
        T read(Connection c, Map<Long, List<StateChange>> pending) throws SQLException, JsonProcessingException;
    }

    @FunctionalInterface
    interface Reader {
        <T> T read(Reads<T> reads);
    }

    /** The latest {@code runs} (in staging order) of the {@code matching} runs that pass the filter. */
    public record Page(List<StoredRun> runs, long matching, Map<RunState, Long> counts) {}

    /** {@code count} runs are in {@code state} with {@code exitCode} (null when they have none). */
    public record Ending(RunState state, Integer exitCode, long count) {}

    private final Reader reader;

    RunQueries(Reader reader) {
        this.reader = reader;
    }

    /** Queries on a database no server has open (or one that does: WAL lets readers in), without writing. */
    public static RunQueries readOnly(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new StoreException("no run database at " + file, null);
        }
        return new RunQueries(new Reader() {
            @Override
            public <T> T read(Reads<T> reads) {
                org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
                config.setReadOnly(true);
                config.setBusyTimeout(10_000);
                try (Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
                    c.setAutoCommit(false); // one snapshot for every statement of the read
                    return reads.read(c, Map.of());
                } catch (SQLException | JsonProcessingException e) {
                    throw new StoreException("cannot read runs from " + file + ": " + e.getMessage(), e);
                }
            }
        });
    }

    /**
     * The latest {@code limit} runs in {@code state} (null: any), in staging order; {@code limit} 0 for all of them.
     */
    public Page page(RunState state, int limit) {
        return page(state == null ? Set.of() : Set.of(state), null, limit);
    }

    /**
     * The latest {@code limit} runs in one of {@code states} (empty: any) whose label matches {@code labelGlob} (SQLite
     * GLOB: {@code *}, {@code ?}, {@code [..]}, case-sensitive; a label without them matches exactly; null: any label),
     * in staging order; {@code limit} 0 for all of them. The counts per state are of the runs the label matches.
     */
    public Page page(Set<RunState> states, String labelGlob, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("a limit must be 0 (no limit) or more, got " + limit);
        }
        return reader.read((c, pending) -> {
            Map<RunState, Long> counts = counts(c, pending, labelGlob);
            long matching = matching(states, counts);
            // the latest rows committed in the states (by the state index, newest first), as many more as could
            // turn out not to be in them, and the runs with queued changes, whatever their committed state
            java.util.TreeMap<Long, StoredRun> candidates = new java.util.TreeMap<>(Collections.reverseOrder());
            List<String> where = new ArrayList<>();
            if (!states.isEmpty()) {
                where.add("state IN (" + String.join(",", Collections.nCopies(states.size(), "?")) + ")");
            }
            if (labelGlob != null) {
                where.add("label GLOB ?");
            }
            String sql = "SELECT * FROM runs" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                    + " ORDER BY id DESC" + (limit == 0 ? "" : " LIMIT ?");
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (RunState s : states) {
                    ps.setString(i++, s.label());
                }
                if (labelGlob != null) {
                    ps.setString(i++, labelGlob);
                }
                if (limit != 0) {
                    ps.setLong(i, (long) limit + (states.isEmpty() ? 0 : pending.size()));
                }
                collect(ps, candidates);
            }
            if (!states.isEmpty() && !pending.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM runs WHERE id IN (SELECT value FROM json_each(?))"
                        + (labelGlob == null ? "" : " AND label GLOB ?"))) {
                    ps.setString(1, idsJson(pending));
                    if (labelGlob != null) {
                        ps.setString(2, labelGlob);
                    }
                    collect(ps, candidates);
                }
            }
            List<StoredRun> newestFirst = new ArrayList<>();
            for (StoredRun row : candidates.values()) {
                if (limit != 0 && newestFirst.size() == limit) {
                    break;
                }
                StoredRun r = RunStore.withPending(row, pending);
                if (states.isEmpty() || states.contains(r.state())) {
                    newestFirst.add(r);
                }
            }
            Collections.reverse(newestFirst);
            return new Page(newestFirst, matching, counts);
        });
    }

    /**
     * What {@link #page(Set, String, int)} answers, its runs handed to {@code each} at most {@code slice} at a time in
     * staging order instead of returned: an answer of every run of a large table is never held whole. Each slice is a
     * read of its own, so no snapshot or connection is held while {@code each} sends one on. The runs are those staged
     * before the first read; one that changes state meanwhile is shown as the read of its slice finds it. The page
     * returned has the counts (of the first read) and no runs.
     */
    public Page pageInSlices(Set<RunState> states, String labelGlob, int limit, int slice,
                             java.util.function.Consumer<List<StoredRun>> each) {
        if (limit < 0) {
            throw new IllegalArgumentException("a limit must be 0 (no limit) or more, got " + limit);
        }
        if (slice < 1) {
            throw new IllegalArgumentException("a slice must hold a run at least, got " + slice);
        }
        long[] ids = new long[2]; // the first and the last id to show
        Page head = reader.read((c, pending) -> {
            Map<RunState, Long> counts = counts(c, pending, labelGlob);
            long matching = matching(states, counts);
            ids[0] = limit == 0 ? 0 : firstOfLatest(c, pending, states, labelGlob, limit);
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), 0) FROM runs");
                 ResultSet rs = ps.executeQuery()) {
                ids[1] = rs.next() ? rs.getLong(1) : 0;
            }
            return new Page(List.of(), matching, counts);
        });
        long from = ids[0];
        while (from <= ids[1]) {
            long start = from;
            long[] next = new long[1];
            List<StoredRun> shown = reader.read((c, pending) -> slice(c, pending, states, labelGlob, start, ids[1], slice,
                    next));
            if (!shown.isEmpty()) {
                each.accept(shown);
            }
            from = next[0];
        }
        return head;
    }

    /** How many of the runs counted are in one of {@code states} (empty: any). */
    private static long matching(Set<RunState> states, Map<RunState, Long> counts) {
        return states.isEmpty() ? counts.values().stream().mapToLong(Long::longValue).sum()
                : states.stream().mapToLong(s -> counts.getOrDefault(s, 0L)).sum();
    }

    /**
     * The id of the {@code limit}-th latest run that passes the filter as its queued changes leave it, or 0 when fewer
     * pass: reads ids and states only, newest first, and stops there.
     */
    private static long firstOfLatest(Connection c, Map<Long, List<StateChange>> pending, Set<RunState> states,
                                      String labelGlob, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, state FROM runs"
                + (labelGlob == null ? "" : " WHERE label GLOB ?") + " ORDER BY id DESC")) {
            if (labelGlob != null) {
                ps.setString(1, labelGlob);
            }
            try (ResultSet rs = ps.executeQuery()) {
                int passed = 0;
                while (rs.next()) {
                    long id = rs.getLong(1);
                    List<StateChange> changes = pending.get(id);
                    RunState state = changes == null ? RunState.fromLabel(rs.getString(2))
                            : changes.get(changes.size() - 1).to();
                    if ((states.isEmpty() || states.contains(state)) && ++passed == limit) {
                        return id;
                    }
                }
            }
        }
        return 0;
    }

    /**
     * Up to {@code slice} rows from id {@code from} to {@code last} that the label passes and, by their committed state
     * or by a queued change, could pass the states; returns those that do once their queued changes are applied, and
     * sets {@code next[0]} to the id to go on from ({@code last + 1} when none are left).
     */
    private static List<StoredRun> slice(Connection c, Map<Long, List<StateChange>> pending, Set<RunState> states,
                                         String labelGlob, long from, long last, int slice, long[] next)
            throws SQLException, JsonProcessingException {
        StringBuilder sql = new StringBuilder("SELECT * FROM runs WHERE id >= ? AND id <= ?");
        if (labelGlob != null) {
            sql.append(" AND label GLOB ?");
        }
        boolean byState = !states.isEmpty();
        if (byState) {
            sql.append(" AND (state IN (").append(String.join(",", Collections.nCopies(states.size(), "?"))).append(")");
            sql.append(pending.isEmpty() ? ")" : " OR id IN (SELECT value FROM json_each(?)))");
        }
        sql.append(" ORDER BY id LIMIT ?");
        List<StoredRun> shown = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setLong(i++, from);
            ps.setLong(i++, last);
            if (labelGlob != null) {
                ps.setString(i++, labelGlob);
            }
            if (byState) {
                for (RunState s : states) {
                    ps.setString(i++, s.label());
                }
                if (!pending.isEmpty()) {
                    ps.setString(i++, idsJson(pending));
                }
            }
            ps.setInt(i, slice);
            int rows = 0;
            long lastRead = from - 1;
            try (ResultSet rs = ps.executeQuery()) {
                RunColumns columns = RunColumns.of(rs);
                while (rs.next()) {
                    rows++;
                    StoredRun r = RunStore.withPending(columns.row(rs), pending);
                    lastRead = r.id().number();
                    if (!byState || states.contains(r.state())) {
                        shown.add(r);
                    }
                }
            }
            next[0] = rows < slice ? last + 1 : lastRead + 1;
        }
        return shown;
    }

    private static void collect(PreparedStatement ps, Map<Long, StoredRun> into) throws SQLException, JsonProcessingException {
        try (ResultSet rs = ps.executeQuery()) {
            RunColumns columns = RunColumns.of(rs);
            while (rs.next()) {
                StoredRun r = columns.row(rs);
                into.put(r.id().number(), r);
            }
        }
    }

    /** The number of runs in each state (states without runs are left out). */
    public Map<RunState, Long> counts() {
        return reader.read((c, pending) -> counts(c, pending, null));
    }

    /** Per state, of the runs whose label matches {@code labelGlob} (null: every run). */
    private static Map<RunState, Long> counts(Connection c, Map<Long, List<StateChange>> pending, String labelGlob)
            throws SQLException {
        Map<RunState, Long> counts = new EnumMap<>(RunState.class);
        String byLabel = labelGlob == null ? "" : " AND label GLOB ?";
        try (PreparedStatement ps = c.prepareStatement("SELECT state, count(*) FROM runs WHERE 1=1" + byLabel + " GROUP BY state")) {
            if (labelGlob != null) {
                ps.setString(1, labelGlob);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(RunState.fromLabel(rs.getString(1)), rs.getLong(2));
                }
            }
        }
        if (!pending.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, state FROM runs WHERE id IN (SELECT value FROM json_each(?))" + byLabel)) {
                ps.setString(1, idsJson(pending));
                if (labelGlob != null) {
                    ps.setString(2, labelGlob);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        RunState committed = RunState.fromLabel(rs.getString(2));
                        List<StateChange> changes = pending.get(rs.getLong(1));
                        counts.merge(committed, -1L, Long::sum);
                        counts.merge(changes.get(changes.size() - 1).to(), 1L, Long::sum);
                    }
                }
            }
            counts.values().removeIf(n -> n == 0);
        }
        return counts;
    }

    /** The ids of every run labelled {@code label}, whatever its state. */
    public java.util.Set<Long> idsLabelled(String label) {
        return reader.read((c, pending) -> {
            java.util.Set<Long> ids = new java.util.HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM runs WHERE label = ?")) {
                ps.setString(1, label);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            return ids;
        });
    }

    /** How many runs have ids from {@code first} to {@code last}. */
    public long countIds(long first, long last) {
        return reader.read((c, pending) -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM runs WHERE id BETWEEN ? AND ?")) {
                ps.setLong(1, first);
                ps.setLong(2, last);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** The runs with ids from {@code first} to {@code last}, counted per state and exit code. */
    public List<Ending> endings(long first, long last) {
        return reader.read((c, pending) -> {
            Map<Ending, Long> counts = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT state, exit_code, count(*) FROM runs"
                    + " WHERE id BETWEEN ? AND ? GROUP BY state, exit_code")) {
                ps.setLong(1, first);
                ps.setLong(2, last);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.merge(key(RunState.fromLabel(rs.getString(1)), RunColumns.intOrNull(rs, 2)), rs.getLong(3),
                                Long::sum);
                    }
                }
            }
            Map<Long, List<StateChange>> mine = new HashMap<>();
            pending.forEach((id, changes) -> {
                if (id >= first && id <= last) {
                    mine.put(id, changes);
                }
            });
            if (!mine.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, state, exit_code FROM runs WHERE id IN (SELECT value FROM json_each(?))")) {
                    ps.setString(1, idsJson(mine));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            counts.merge(key(RunState.fromLabel(rs.getString(2)), RunColumns.intOrNull(rs, 3)), -1L,
                                    Long::sum);
                            List<StateChange> changes = mine.get(rs.getLong(1));
                            StateChange last1 = changes.get(changes.size() - 1);
                            counts.merge(key(last1.to(), last1.exitCode()), 1L, Long::sum);
                        }
                    }
                }
            }
            List<Ending> out = new ArrayList<>();
            counts.forEach((k, n) -> {
                if (n > 0) {
                    out.add(new Ending(k.state(), k.exitCode(), n));
                }
            });
            return out;
        });
    }

    private static Ending key(RunState state, Integer exitCode) {
        return new Ending(state, exitCode, 0);
    }

    private static String idsJson(Map<Long, ?> pending) {
        StringBuilder b = new StringBuilder(pending.size() * 8 + 2).append('[');
        for (Long id : pending.keySet()) {
            b.append(b.length() > 1 ? "," : "").append(id);
        }
        return b.append(']').toString();
    }
}
