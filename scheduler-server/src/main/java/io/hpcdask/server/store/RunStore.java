package io.hpcdask.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.server.PrivateFiles;
import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The durable record of runs: SQLite in WAL mode with {@code synchronous=FULL}. One writer thread owns the write
 * connection and commits whatever is pending as one transaction (group commit): many stagings and state changes cost
 * one fsync. {@link #stage} returns only after its runs are committed; state changes are queued and committed in order.
 * Reads use a second connection, which WAL lets run beside the writer.
 */
public final class RunStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Jobs committed together at most; 1 turns group commit off (one transaction per change, the slow baseline). */
    public static final int DEFAULT_MAX_BATCH = 50_000;

    private final Path file;
    private final Connection writer;
    private final Connection reader;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Consumer<List<StoredRun>> onStaged;
    private final int maxBatch;
    private long nextId;
    private volatile boolean closed;

    private sealed interface Job permits StageJob, ChangeJob, HistoryJob, FlushJob, CloseJob {}

    /** A report about a superseded copy of a run: a row in its history, its state untouched. */
    private record HistoryJob(String runId, String worker, int attempt, String outcome, Integer exitCode, long at)
            implements Job {}

    private record StageJob(List<RunSpec> specs, long now, CompletableFuture<List<StoredRun>> done,
                            List<StoredRun> rows) implements Job {}

    private record ChangeJob(StateChange change) implements Job {}

    private record FlushJob(CompletableFuture<Void> done) implements Job {}

    private record CloseJob(CompletableFuture<Void> done) implements Job {}

    private RunStore(Path file, Consumer<List<StoredRun>> onStaged, int maxBatch) throws SQLException {
        this.file = file;
        this.onStaged = onStaged;
        this.maxBatch = maxBatch;
        makePrivate(file);
        this.writer = connect(file);
        Schema.create(writer);
        this.reader = connect(file);
        makePrivate(file);
        try (Statement s = writer.createStatement();
             ResultSet rs = s.executeQuery("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name='runs'), 0),"
                     + " coalesce((SELECT max(id) FROM runs), 0))")) {
            nextId = rs.next() ? rs.getLong(1) + 1 : 1;
        }
        writer.setAutoCommit(false);
        thread = new Thread(this::writeLoop, "hpc-dask-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Opens (creating if needed) the database. {@code onStaged} is called on the writer thread right after each commit
     * with newly staged runs, in id order, so whoever feeds the scheduler sees them in staging order.
     */
    public static RunStore open(Path file, Consumer<List<StoredRun>> onStaged) {
        return open(file, onStaged, DEFAULT_MAX_BATCH);
    }

    public static RunStore open(Path file, Consumer<List<StoredRun>> onStaged, int maxBatch) {
        try {
            return new RunStore(file, onStaged, maxBatch);
        } catch (SQLException e) {
            throw new StoreException("cannot open run database " + file + ": " + e.getMessage(), e);
        }
    }

    public static RunStore open(Path file) {
        return open(file, runs -> { });
    }

    /**
     * The database and its WAL files are 0600 whatever the umask: created so before SQLite opens them (SQLite gives
     * its -wal and -shm files the mode of the database), and set so if an older version left them readable.
     */
    private static void makePrivate(Path file) {
        try {
            if (!java.nio.file.Files.exists(file)) {
                PrivateFiles.createFile(file);
            }
            for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                PrivateFiles.tighten(file.resolveSibling(file.getFileName() + suffix));
            }
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create run database " + file + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(Path file) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
        }
        return c;
    }

    public Path file() {
        return file;
    }

    // ---------------------------------------------------------------- writes

    /** Stages runs and returns them with their new ids once they are committed. */
    public List<StoredRun> stage(List<RunSpec> specs, long now) {
        StageJob job = new StageJob(List.copyOf(specs), now, new CompletableFuture<>(), new ArrayList<>());
        submit(job);
        return await(job.done(), "staging " + specs.size() + " run(s)");
    }

    /** Queues a state change; it is committed in order with everything queued before it. */
    public void record(StateChange change) {
        submit(new ChangeJob(change));
    }

    /**
     * Queues a history row for a report about a copy of a run that is no longer its current one (from state
     * {@code superseded}, to state {@code outcome}); the run's own row is not changed.
     */
    public void recordSuperseded(String runId, String worker, int attempt, String outcome, Integer exitCode, long at) {
        submit(new HistoryJob(runId, worker, attempt, outcome, exitCode, at));
    }

    /** Waits until everything queued so far is committed. */
    public void flush() {
        FlushJob job = new FlushJob(new CompletableFuture<>());
        submit(job);
        await(job.done(), "committing");
    }

    private void submit(Job job) {
        if (closed) {
            throw new IllegalStateException("run database " + file + " is closed");
        }
        queue.add(job);
    }

    private <T> T await(CompletableFuture<T> f, String what) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(what + " in " + file + " was interrupted", e);
        } catch (ExecutionException e) {
            throw new StoreException(what + " in " + file + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void writeLoop() {
        List<Job> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, maxBatch - 1);
            long idBefore = nextId;
            try {
                for (Job job : batch) {
                    apply(job);
                }
                writer.commit();
            } catch (SQLException | JsonProcessingException | RuntimeException e) {
                nextId = idBefore;
                rollbackQuietly();
                for (Job job : batch) {
                    fail(job, e);
                }
                continue;
            }
            boolean stop = false;
            for (Job job : batch) {
                if (job instanceof StageJob st) {
                    try {
                        onStaged.accept(st.rows());
                    } catch (RuntimeException e) { // the runs are durable; a failing listener must not stop the writer
                        e.printStackTrace();
                    }
                    st.done().complete(st.rows());
                } else if (job instanceof FlushJob f) {
                    f.done().complete(null);
                } else if (job instanceof CloseJob c) {
                    c.done().complete(null);
                    stop = true;
                }
            }
            if (stop) {
                return;
            }
        }
    }

    private void apply(Job job) throws SQLException, JsonProcessingException {
        if (job instanceof StageJob s) {
            insert(s);
        } else if (job instanceof ChangeJob c) {
            update(c.change());
        } else if (job instanceof HistoryJob h) {
            history(h);
        }
    }

    private void insert(StageJob job) throws SQLException, JsonProcessingException {
        try (PreparedStatement ps = writer.prepareStatement("INSERT INTO runs (id, label, spec, requires, state, attempts,"
                + " staged_at) VALUES (?, ?, ?, ?, 'staged', 0, ?)")) {
            for (RunSpec spec : job.specs()) {
                long id = nextId++;
                ps.setLong(1, id);
                ps.setString(2, spec.label());
                ps.setString(3, JSON.writeValueAsString(spec));
                ps.setString(4, JSON.writeValueAsString(spec.requires()));
                ps.setLong(5, job.now());
                ps.addBatch();
                job.rows().add(new StoredRun(Long.toString(id), spec, RunState.STAGED, null, 0, job.now(), null, null,
                        null, null, null));
            }
            ps.executeBatch();
        }
    }

    private void update(StateChange ch) throws SQLException, JsonProcessingException {
        boolean starts = ch.to() == RunState.RUNNING;
        try (PreparedStatement ps = writer.prepareStatement("UPDATE runs SET state = ?, worker = ?, attempts = ?,"
                + " started_at = CASE WHEN ? THEN ? ELSE started_at END,"
                + " ended_at = ?, exit_code = ?, assignment = ?, reason = ? WHERE id = ?")) {
            ps.setString(1, ch.to().label());
            ps.setString(2, ch.to() == RunState.STAGED ? null : ch.worker());
            ps.setInt(3, ch.attempts());
            ps.setBoolean(4, starts);
            ps.setLong(5, ch.timeMillis());
            if (ch.to().isFinal()) {
                ps.setLong(6, ch.timeMillis());
            } else {
                ps.setNull(6, Types.INTEGER);
            }
            if (ch.exitCode() == null) {
                ps.setNull(7, Types.INTEGER);
            } else {
                ps.setInt(7, ch.exitCode());
            }
            ps.setString(8, ch.assignment() == null ? null : JSON.writeValueAsString(ch.assignment()));
            ps.setString(9, ch.reason());
            ps.setLong(10, Long.parseLong(ch.runId()));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = writer.prepareStatement("INSERT INTO transitions (run_id, from_state, to_state,"
                + " worker, exit_code, attempts, at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, Long.parseLong(ch.runId()));
            ps.setString(2, ch.from() == null ? null : ch.from().label());
            ps.setString(3, ch.to().label());
            ps.setString(4, ch.worker());
            if (ch.exitCode() == null) {
                ps.setNull(5, Types.INTEGER);
            } else {
                ps.setInt(5, ch.exitCode());
            }
            ps.setInt(6, ch.attempts());
            ps.setLong(7, ch.timeMillis());
            ps.executeUpdate();
        }
    }

    private void history(HistoryJob h) throws SQLException {
        long id;
        try {
            id = Long.parseLong(h.runId());
        } catch (NumberFormatException e) {
            return; // not one of ours
        }
        try (PreparedStatement ps = writer.prepareStatement("INSERT INTO transitions (run_id, from_state, to_state,"
                + " worker, exit_code, attempts, at) VALUES (?, 'superseded', ?, ?, ?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, h.outcome());
            ps.setString(3, h.worker());
            if (h.exitCode() == null) {
                ps.setNull(4, Types.INTEGER);
            } else {
                ps.setInt(4, h.exitCode());
            }
            ps.setInt(5, h.attempt());
            ps.setLong(6, h.at());
            ps.executeUpdate();
        }
    }

    private void rollbackQuietly() {
        try {
            writer.rollback();
        } catch (SQLException ignored) {
            // the failure that got us here is what the callers are told
        }
    }

    private static void fail(Job job, Exception e) {
        if (job instanceof StageJob st) {
            st.done().completeExceptionally(e);
        } else if (job instanceof FlushJob f) {
            f.done().completeExceptionally(e);
        } else if (job instanceof CloseJob c) {
            c.done().completeExceptionally(e);
        }
    }

    // ---------------------------------------------------------------- reads

    /** Runs in id (staging) order; {@code state} null for all. */
    public List<StoredRun> runs(RunState state) {
        synchronized (reader) {
            try {
                return select(reader, state);
            } catch (SQLException | JsonProcessingException e) {
                throw new StoreException("cannot read runs from " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Reads runs from a database no server has open (or one that does: WAL lets readers in), without writing. */
    public static List<StoredRun> read(Path file, RunState state) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new StoreException("no run database at " + file, null);
        }
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            return select(c, state);
        } catch (SQLException | JsonProcessingException e) {
            throw new StoreException("cannot read runs from " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<StoredRun> select(Connection c, RunState state) throws SQLException, JsonProcessingException {
        String sql = "SELECT * FROM runs" + (state == null ? "" : " WHERE state = ?") + " ORDER BY id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (state != null) {
                ps.setString(1, state.label());
            }
            List<StoredRun> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        }
    }

    public Optional<StoredRun> run(String id) {
        long key;
        try {
            key = Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement("SELECT * FROM runs WHERE id = ?")) {
                ps.setLong(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            } catch (SQLException | JsonProcessingException e) {
                throw new StoreException("cannot read run " + id + " from " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Every recorded transition of one run, oldest first, as {@code from->to}. */
    public List<String> transitions(String id) {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(
                    "SELECT from_state, to_state FROM transitions WHERE run_id = ? ORDER BY rowid")) {
                ps.setLong(1, Long.parseLong(id));
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1) + "->" + rs.getString(2));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("cannot read transitions from " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static StoredRun row(ResultSet rs) throws SQLException, JsonProcessingException {
        String assignment = rs.getString("assignment");
        return new StoredRun(Long.toString(rs.getLong("id")), JSON.readValue(rs.getString("spec"), RunSpec.class),
                RunState.fromLabel(rs.getString("state")), rs.getString("worker"), rs.getInt("attempts"),
                longOrNull(rs, "staged_at"), longOrNull(rs, "started_at"), longOrNull(rs, "ended_at"),
                rs.getObject("exit_code") == null ? null : rs.getInt("exit_code"),
                assignment == null ? null : JSON.readValue(assignment, Assignment.class), reasonOf(rs));
    }

    /** The reason column, absent from databases of older versions opened read-only. */
    private static String reasonOf(ResultSet rs) throws SQLException {
        java.sql.ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            if ("reason".equalsIgnoreCase(md.getColumnName(i))) {
                return rs.getString(i);
            }
        }
        return null;
    }

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** Commits what is queued, stops the writer and closes the database. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        CloseJob job = new CloseJob(new CompletableFuture<>());
        queue.add(job);
        closed = true;
        try {
            await(job.done(), "closing");
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                writer.close();
                synchronized (reader) {
                    reader.close();
                }
            } catch (SQLException e) {
                throw new StoreException("cannot close " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
