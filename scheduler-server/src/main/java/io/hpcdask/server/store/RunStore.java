package io.hpcdask.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.server.api.RunPolicyRequest;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.files.PrivateFiles;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable record of runs: SQLite in WAL mode. One writer thread owns the write connection and commits whatever is
 * pending as one transaction (group commit): many stagings and state changes cost one fsync. {@link #stage} returns
 * only after its runs are committed and synced to disk ({@code synchronous=FULL}); so do a {@link #flush} and a close.
 * A commit of state changes alone, which nobody waits on, is written to the WAL without its own fsync
 * ({@code synchronous=NORMAL}): it survives the server being killed (the kernel has it), and the next synced commit or
 * checkpoint makes it durable against a power cut too (an fsync of the WAL covers every frame before it). State changes
 * were always written behind; reconcile on restart covers one not yet on disk. State changes are queued and committed
 * in order. Reads use a second connection, which WAL lets run beside the writer.
 *
 * <p>The store never lies. A batch that fails to commit (disk full, a lock held past the busy timeout, an I/O error) is
 * rolled back on a fresh writer connection, so nothing of it is on disk, and the next id is read again from the
 * database. Its stagings fail (their callers are told; nothing of them is stored); its state changes are kept and
 * retried in order with backoff until they commit, never dropped, and every failed attempt is logged. Until a commit
 * succeeds again the store is {@linkplain #unavailable() unavailable}: stagings are refused at once, and it probes the
 * disk by itself, so it recovers when space returns. Reads show queued changes that are not yet committed.
 */
public final class RunStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The scheduler's log (the server's {@code SchedulerServer.LOGGER}): users grep its lines. */
    private static final Logger LOG = LoggerFactory.getLogger("hpc-dask.scheduler");
    /** Jobs committed together at most; 1 turns group commit off (one transaction per change, the slow baseline). */
    public static final int DEFAULT_MAX_BATCH = 50_000;
    /** The first pause before a failed batch is tried again; it doubles up to {@link #MAX_BACKOFF_MILLIS}. */
    static final long FIRST_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 2_000;
    /** How long {@link #close()} keeps retrying changes that cannot be committed before it gives them up, logged. */
    static final long CLOSE_RETRY_MILLIS = 20_000;
    /**
     * How long a batch of nothing but state changes waits for more before it commits: one fsync then covers the start
     * and the end of many short runs. Nobody waits on these commits (a staging, a flush or a close commits at once),
     * and a change not yet committed at a crash is one reconcile already handles (see SchedulerCore). Measured with
     * 1,000 runs of {@code true} on 2 workers: 10 ms cost the writer thread about twice the CPU per run of 50 ms. Kept
     * at 10 ms all the same: a run whose result is not yet committed when the server is killed is run again after the
     * restart, and a wider window would widen that gap.
     */
    public static final long CHANGE_COMMIT_DELAY_MILLIS = 10;

    private final Path file;
    private Connection writer;
    private final Connection reader;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Consumer<List<StoredRun>> onStaged;
    private final int maxBatch;
    /** State changes queued or being retried, not yet committed, per run id, oldest first; reads show them. */
    private final Map<Long, List<StateChange>> uncommitted = new HashMap<>();
    /** Jobs queued and not yet answered; at 0 a {@link #flush} has nothing to wait for. */
    private final java.util.concurrent.atomic.AtomicLong outstanding = new java.util.concurrent.atomic.AtomicLong();
    /** Statements of the current writer connection, prepared once; dropped with it. */
    private PreparedStatement updateRun;
    private PreparedStatement insertTransition;
    private PreparedStatement insertHistory;
    /**
     * The transaction's two ends, prepared once: a statement made, parsed and finalized per commit cost the writer
     * more CPU than the rows it wrote for a short run.
     */
    private PreparedStatement begin;
    private PreparedStatement commitTransaction;
    /** This commit's state changes folded into one row update per run (writer thread only). */
    private final RowUpdates rowUpdates = new RowUpdates();
    /** Assignments as stored, by requirements, for the common case of an assignment without gpu ids. */
    private final Map<Map<String, Long>, String> assignmentJson = new HashMap<>();
    private long nextId;
    private volatile boolean closed;
    /** Whether the writer connection's next commit syncs ({@code synchronous=FULL}); writer thread only. */
    private boolean syncing = true;
    /** The writer sleeps out a commit window of changes: only a job someone waits on wakes it (see gatherChanges). */
    private volatile boolean gathering;
    /** Told how long each commit took, in nanoseconds, on the writer thread (the metrics). */
    private volatile java.util.function.LongConsumer onCommit = nanos -> { };
    /** Why the last commit failed while no commit has succeeded since; null while the store works. */
    private volatile String unavailable;

    private sealed interface Job permits StageJob, ChangeJob, HistoryJob, FlushJob, CloseJob {}

    /** A report about a superseded copy of a run: a row in its history, its state untouched. */
    private record HistoryJob(RunId runId, WorkerId worker, int attempt, String outcome, Integer exitCode, long at)
            implements Job {}

    /** Runs to stage; {@code requestId} (or null) makes a repeated request return the runs of the first. */
    private static final class StageJob implements Job {
        final List<RunRequest> specs;
        final long now;
        final String requestId;
        final CompletableFuture<List<StoredRun>> done = new CompletableFuture<>();
        final List<StoredRun> rows = new ArrayList<>();
        /** The request id was seen before: {@link #rows} are the runs it staged then, not new ones. */
        boolean repeated;
        /** Why a repeated request id is refused (it staged another number of runs), else null. */
        String refusal;

        StageJob(List<RunRequest> specs, long now, String requestId) {
            this.specs = specs;
            this.now = now;
            this.requestId = requestId;
        }
    }

    private record ChangeJob(StateChange change) implements Job {}

    private record FlushJob(CompletableFuture<Void> done) implements Job {}

    private record CloseJob(CompletableFuture<Void> done) implements Job {}

    private RunStore(Path file, Consumer<List<StoredRun>> onStaged, int maxBatch) throws SQLException {
        this.file = file;
        this.onStaged = onStaged;
        this.maxBatch = maxBatch;
        makePrivate(file);
        this.writer = connect(file);
        try {
            Schema.migrate(writer, file);
        } catch (SQLException | RuntimeException e) {
            writer.close(); // a refused store is left as it was, and not held open
            throw e;
        }
        this.reader = connect(file);
        makePrivate(file);
        nextId = readNextId(writer);
        thread = new Thread(this::writeLoop, "hpc-dask-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** The next free id: past every id ever used, even of runs since deleted (AUTOINCREMENT's sequence). */
    private static long readNextId(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name='runs'), 0),"
                     + " coalesce((SELECT max(id) FROM runs), 0))")) {
            return rs.next() ? rs.getLong(1) + 1 : 1;
        }
    }

    /**
     * Opens (creating if needed) the database. {@code onStaged} is called on the writer thread right after each commit
     * with newly staged runs, in id order, so whoever feeds the scheduler sees them in staging order.
     */
    public static RunStore open(Path file, Consumer<List<StoredRun>> onStaged) {
        return open(file, onStaged, DEFAULT_MAX_BATCH);
    }

    /**
     * Opens the database, bringing its tables to this code's schema version first.
     *
     * @throws StoreTooNewException when a newer hpc-dask wrote it (nothing of it is changed)
     */
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
        java.util.Properties props = new java.util.Properties();
        // no ids are read back: without this, the driver runs a query for the last row id after every INSERT
        props.setProperty("jdbc.get_generated_keys", "false");
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), props);
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

    /**
     * Why the store cannot write (the last failure, e.g. {@code database or disk is full}), or empty while it works.
     * It stays so until a commit succeeds again: a retried change or the store's own probe.
     */
    public Optional<String> unavailable() {
        return Optional.ofNullable(unavailable);
    }

    // ---------------------------------------------------------------- writes

    /** Stages runs (kept as {@link RunRequest#staged}) and returns them with their new ids once they are committed. */
    public List<StoredRun> stage(List<RunRequest> specs, long now) {
        return stage(specs, now, null);
    }

    /**
     * Stages runs and returns them with their new ids once they are committed. A {@code requestId} (or null) that was
     * committed before returns the runs that request staged, and stages nothing: a client's retry after a lost answer.
     *
     * @throws StoreUnavailableException when the store cannot write; then nothing of this call is stored
     */
    public List<StoredRun> stage(List<RunRequest> specs, long now, String requestId) {
        String why = unavailable;
        if (why != null) {
            throw new StoreUnavailableException(file, why, null);
        }
        StageJob job = new StageJob(specs.stream().map(s -> s.staged(s.requires())).toList(), now, requestId);
        submit(job);
        return await(job.done, "staging " + specs.size() + " run(s)");
    }

    /** Queues a state change; it is committed in order with everything queued before it, retried until it is. */
    public void record(StateChange change) {
        synchronized (uncommitted) {
            uncommitted.computeIfAbsent(change.runId().number(), k -> new ArrayList<>(2)).add(change);
        }
        submit(new ChangeJob(change));
    }

    /**
     * Queues a history row for a report about a copy of a run that is no longer its current one (from state
     * {@code superseded}, to state {@code outcome}); the run's own row is not changed. Dropped (not retried) while
     * the store cannot write.
     */
    public void recordSuperseded(RunId runId, WorkerId worker, int attempt, String outcome, Integer exitCode, long at) {
        submit(new HistoryJob(runId, worker, attempt, outcome, exitCode, at));
    }

    /** Who is told how long each commit takes (nanoseconds), on the writer thread; it must return at once. */
    public void onCommit(java.util.function.LongConsumer listener) {
        this.onCommit = listener;
    }

    /**
     * Waits until everything queued so far is committed.
     *
     * @throws StoreUnavailableException at once while the store cannot write (reads still show what is queued)
     */
    public void flush() {
        String why = unavailable;
        if (why != null) {
            throw new StoreUnavailableException(file, why, null);
        }
        if (outstanding.get() == 0) {
            return; // everything queued before this call is committed: a commit now would only cost an fsync
        }
        FlushJob job = new FlushJob(new CompletableFuture<>());
        submit(job);
        await(job.done(), "committing");
    }

    private void submit(Job job) {
        if (closed) {
            throw new IllegalStateException("run database " + file + " is closed");
        }
        outstanding.incrementAndGet();
        queue.add(job);
        if (gathering && !(job instanceof ChangeJob || job instanceof HistoryJob)) {
            java.util.concurrent.locks.LockSupport.unpark(thread); // someone waits on it: commit now
        }
    }

    private <T> T await(CompletableFuture<T> f, String what) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(what + " in " + file + " was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreUnavailableException u) {
                throw new StoreUnavailableException(file, u.reason(), u);
            }
            if (e.getCause() instanceof InvalidValueException r) {
                throw new InvalidValueException(r.getMessage()); // a request id reused for other runs
            }
            throw new StoreException(what + " in " + file + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Commits batches as they come. A batch that fails leaves its changes in {@code retry}; while any wait there (or
     * the last commit failed), the loop is degraded: it answers stagings and flushes at once with a refusal, collects
     * new changes behind the waiting ones, and tries again after the backoff, with a probe write when nothing waits.
     */
    private void writeLoop() {
        List<Job> batch = new ArrayList<>();
        List<ChangeJob> retry = new ArrayList<>();
        CloseJob closing = null;
        long closeBy = Long.MAX_VALUE;
        long backoff = FIRST_BACKOFF_MILLIS;
        int failures = 0;
        while (true) {
            batch.clear();
            if (unavailable == null) {
                try {
                    batch.add(queue.take());
                    queue.drainTo(batch, maxBatch - 1);
                    gatherChanges(batch);
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                // degraded: wait out the backoff, refusing what cannot wait, then retry what is kept
                long until = System.nanoTime() + backoff * 1_000_000;
                try {
                    long left;
                    while ((left = until - System.nanoTime()) > 0) {
                        Job job = queue.poll(left, TimeUnit.NANOSECONDS);
                        if (job instanceof ChangeJob c) {
                            retry.add(c);
                        } else if (job instanceof CloseJob c) {
                            closing = c;
                            closeBy = System.nanoTime() + CLOSE_RETRY_MILLIS * 1_000_000;
                        } else if (job != null) {
                            fail(job, new StoreUnavailableException(file, unavailable, null));
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                }
                batch.addAll(retry);
                retry.clear();
                queue.drainTo(batch, Math.max(0, maxBatch - batch.size()));
                if (closing != null) {
                    batch.add(closing);
                    closing = null;
                }
            }
            long idBefore = nextId;
            rowUpdates.clear();
            try {
                if (writer == null) {
                    writer = connect(file);
                    syncing = true;
                    nextId = readNextId(writer);
                    idBefore = nextId;
                }
                if (batch.isEmpty() || unavailable != null && batch.stream().noneMatch(j -> j instanceof ChangeJob)) {
                    probe();
                }
                commit(batch);
            } catch (SQLException | JsonProcessingException | RuntimeException e) {
                failures++;
                nextId = idBefore;
                String why = describe(e);
                boolean wasAvailable = unavailable == null;
                int changes = 0;
                int stagings = 0;
                for (Job job : batch) {
                    if (job instanceof ChangeJob) {
                        changes++;
                    } else if (job instanceof StageJob) {
                        stagings++;
                    }
                }
                backoff = wasAvailable ? FIRST_BACKOFF_MILLIS : Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                String what = changes + " state change(s)" + (stagings > 0 ? " and " + stagings + " staging(s)"
                        + " (refused, nothing of them stored)" : "") + (changes + stagings == 0 ? " (a probe)" : "");
                // logged before anyone can see the store unavailable: whoever notices can read why in the log
                if (wasAvailable) {
                    LOG.error("Run database {} is unavailable: a commit of {} failed: {}; state changes are kept and"
                            + " retried, new runs are refused until it works again", file, what, why, e);
                } else {
                    LOG.warn("Run database {} still unavailable (attempt {}): a commit of {} failed: {}; retrying in"
                            + " {} ms", file, failures, what, why, backoff);
                }
                unavailable = why;
                reopenWriter();
                for (Job job : batch) {
                    if (job instanceof ChangeJob c) {
                        retry.add(c);
                    } else if (job instanceof CloseJob c) {
                        closing = c;
                        closeBy = Math.min(closeBy, System.nanoTime() + CLOSE_RETRY_MILLIS * 1_000_000);
                    } else {
                        fail(job, new StoreUnavailableException(file, why, e));
                    }
                }
                if (closing != null && System.nanoTime() - closeBy >= 0) {
                    giveUp(retry, closing, why);
                    return;
                }
                continue;
            }
            if (unavailable != null) {
                LOG.info("Run database {} works again after {} failed attempt(s): {} state change(s) committed",
                        file, failures, batch.stream().filter(j -> j instanceof ChangeJob).count());
                unavailable = null;
            }
            failures = 0;
            backoff = FIRST_BACKOFF_MILLIS;
            if (finish(batch)) {
                return;
            }
        }
    }

    /**
     * Writes {@code batch} as one transaction. A method of its own, not part of {@link #writeLoop}'s body: the JIT
     * compiles a method after some hundred calls, but a loop body only after tens of thousands of turns.
     */
    private void commit(List<Job> batch) throws SQLException, JsonProcessingException {
        // the write lock first, waiting out the busy timeout for it: a transaction that read before it writes would be
        // refused the lock at once (SQLITE_BUSY) while another connection holds it
        long began = System.nanoTime();
        syncCommit(!onlyChanges(batch));
        if (begin == null) {
            begin = writer.prepareStatement("BEGIN IMMEDIATE");
            commitTransaction = writer.prepareStatement("COMMIT");
        }
        begin.execute();
        for (Job job : batch) {
            apply(job);
        }
        for (RowUpdates.Row row : rowUpdates.rows()) {
            update(row);
        }
        commitTransaction.execute();
        onCommit.accept(System.nanoTime() - began);
    }

    /**
     * A batch of state changes only waits up to {@link #CHANGE_COMMIT_DELAY_MILLIS} for more, and stops waiting as soon
     * as a job arrives that someone waits on. It sleeps through the changes that arrive meanwhile (they do not wake
     * it: a wake-up per change cost more than writing it) and collects them at the end; a job someone waits on wakes it.
     */
    private void gatherChanges(List<Job> batch) throws InterruptedException {
        if (maxBatch <= 1 || !onlyChanges(batch)) {
            return;
        }
        long until = System.nanoTime() + CHANGE_COMMIT_DELAY_MILLIS * 1_000_000;
        gathering = true; // before the queue is looked at: a job added after that look sees it and wakes the writer
        try {
            while (true) {
                queue.drainTo(batch, maxBatch - batch.size());
                long left = until - System.nanoTime();
                if (!onlyChanges(batch) || batch.size() >= maxBatch || left <= 0) {
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            gathering = false;
        }
    }

    private static boolean onlyChanges(List<Job> batch) {
        for (Job job : batch) {
            if (!(job instanceof ChangeJob || job instanceof HistoryJob)) {
                return false;
            }
        }
        return true;
    }

    /** Answers a committed batch; true when it held the close request. */
    private boolean finish(List<Job> batch) {
        boolean stop = false;
        for (Job job : batch) {
            outstanding.decrementAndGet();
            if (job instanceof StageJob st) {
                if (!st.repeated) {
                    try {
                        onStaged.accept(st.rows);
                    } catch (RuntimeException e) { // the runs are durable; a failing listener must not stop the writer
                        LOG.error("Handing on staged runs failed", e);
                    }
                }
                if (st.refusal != null) {
                    st.done.completeExceptionally(new InvalidValueException(st.refusal));
                } else {
                    st.done.complete(st.rows);
                }
            } else if (job instanceof ChangeJob c) {
                synchronized (uncommitted) {
                    Long key = c.change().runId().number();
                    List<StateChange> pending = uncommitted.get(key);
                    if (pending != null) {
                        pending.remove(c.change());
                        if (pending.isEmpty()) {
                            uncommitted.remove(key);
                        }
                    }
                }
            } else if (job instanceof FlushJob f) {
                f.done().complete(null);
            } else if (job instanceof CloseJob c) {
                c.done().complete(null);
                stop = true;
            }
        }
        return stop;
    }

    /** Closing while changes still cannot be committed: each is logged so that nothing goes without a trace. */
    private void giveUp(List<ChangeJob> retry, CloseJob closing, String why) {
        for (ChangeJob c : retry) {
            StateChange ch = c.change();
            LOG.error("Run database {} unavailable at shutdown ({}): not recorded: run {} {} -> {} on {} (exit {})",
                    file, why, ch.runId(), ch.from() == null ? "-" : ch.from().label(), ch.to().label(), ch.worker(),
                    ch.exitCode());
        }
        closing.done().completeExceptionally(new StoreUnavailableException(file, why + "; " + retry.size()
                + " state change(s) could not be recorded (logged)", null));
    }

    /**
     * Drops the writer connection after a failure, which rolls back whatever it held, and opens a fresh one: a
     * rollback that fails can leave the old connection outside any transaction, where the next statements would
     * commit one by one. When the database cannot be opened now, the next attempt opens it.
     */
    private void reopenWriter() {
        Connection old = writer;
        writer = null;
        updateRun = null; // closed with their connection below
        insertTransition = null;
        insertHistory = null;
        begin = null;
        commitTransaction = null;
        if (old != null) {
            try (Statement s = old.createStatement()) {
                s.execute("ROLLBACK");
            } catch (SQLException ignored) {
                // closing below rolls back what is left; the failure that got us here is what is reported
            }
            try {
                old.close();
            } catch (SQLException ignored) {
                // nothing more to do with it
            }
        }
        try {
            Connection c = connect(file);
            nextId = readNextId(c);
            writer = c;
            syncing = true;
        } catch (SQLException e) {
            LOG.warn("Cannot reopen run database {} yet: {}", file, e.getMessage());
        }
    }

    /**
     * Whether the next commit is synced to disk: one that someone waits on (a staging, a flush, a close) is; one of
     * state changes alone is not (see the class comment). Set outside a transaction, as SQLite asks.
     */
    private void syncCommit(boolean sync) throws SQLException {
        if (sync != syncing) {
            exec(sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            syncing = sync;
        }
    }

    private void exec(String sql) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.execute(sql);
        }
    }

    /** A small write that tells whether the disk takes writes again, when no state change waits to be retried. */
    private void probe() throws SQLException {
        try (PreparedStatement ps = writer.prepareStatement(
                "INSERT OR REPLACE INTO store_probe (id, at) VALUES (1, ?)")) {
            ps.setLong(1, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.toString() : m;
    }

    private void apply(Job job) throws SQLException, JsonProcessingException {
        if (job instanceof StageJob s) {
            insert(s);
        } else if (job instanceof ChangeJob c) {
            transition(c.change());
            rowUpdates.add(c.change());
        } else if (job instanceof HistoryJob h) {
            history(h);
        }
    }

    private void insert(StageJob job) throws SQLException, JsonProcessingException {
        job.rows.clear();
        job.repeated = false;
        job.refusal = null;
        if (job.requestId != null && repeated(job)) {
            return;
        }
        long first = nextId;
        try (PreparedStatement ps = writer.prepareStatement("INSERT INTO runs (id, label, spec, requires, state, attempts,"
                + " staged_at, priority, time_limit_ms, max_attempts, retries, after_ids)"
                + " VALUES (?, ?, ?, ?, 'staged', 0, ?, ?, ?, ?, ?, ?)")) {
            // the runs of an array share their requirements: written once, not once per run
            Object lastRequires = null;
            String requiresJson = null;
            for (RunRequest spec : job.specs) {
                long id = nextId++;
                ps.setLong(1, id);
                ps.setString(2, spec.label());
                ps.setString(3, JSON.writeValueAsString(spec));
                if (requiresJson == null || !Objects.equals(spec.requires(), lastRequires)) {
                    lastRequires = spec.requires();
                    requiresJson = JSON.writeValueAsString(lastRequires);
                }
                ps.setString(4, requiresJson);
                ps.setLong(5, job.now);
                RunPolicyRequest p = spec.policyOrNone();
                ps.setInt(6, p.priority() == null ? 0 : p.priority());
                ps.setLong(7, p.timeLimitSeconds() == null ? 0 : p.timeLimitSeconds() * 1000);
                ps.setInt(8, p.maxAttempts() == null ? 0 : p.maxAttempts());
                ps.setInt(9, p.retries() == null ? 0 : p.retries());
                ps.setString(10, p.after());
                ps.addBatch();
                job.rows.add(new StoredRun(RunId.of(id), spec, RunState.STAGED, null, 0, job.now, null, null,
                        null, null, null));
            }
            ps.executeBatch();
        }
        if (job.requestId != null) {
            try (PreparedStatement ps = writer.prepareStatement(
                    "INSERT INTO requests (request_id, first_id, count, at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, job.requestId);
                ps.setLong(2, first);
                ps.setInt(3, job.specs.size());
                ps.setLong(4, job.now);
                ps.executeUpdate();
            }
        }
    }

    /**
     * Whether the job's request id staged runs before (committed, or earlier in this batch): then its rows are those
     * runs as they are now, and nothing is inserted.
     */
    private boolean repeated(StageJob job) throws SQLException, JsonProcessingException {
        long first;
        int count;
        try (PreparedStatement ps = writer.prepareStatement("SELECT first_id, count FROM requests WHERE request_id = ?")) {
            ps.setString(1, job.requestId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                first = rs.getLong(1);
                count = rs.getInt(2);
            }
        }
        job.repeated = true;
        if (count != job.specs.size()) { // refused when the batch is answered; not a failure of the store
            job.refusal = "request id '" + job.requestId + "' was already used to stage " + count + " run(s), not "
                    + job.specs.size() + "; use a new request id for a new submission";
            return true;
        }
        try (PreparedStatement ps = writer.prepareStatement("SELECT * FROM runs WHERE id >= ? AND id < ? ORDER BY id")) {
            ps.setLong(1, first);
            ps.setLong(2, first + count);
            try (ResultSet rs = ps.executeQuery()) {
                RunColumns columns = RunColumns.of(rs);
                while (rs.next()) {
                    job.rows.add(columns.row(rs));
                }
            }
        }
        return true;
    }

    /** Writes a run's row as its changes of this commit leave it (the same SQL as one update per change would). */
    private void update(RowUpdates.Row row) throws SQLException, JsonProcessingException {
        StateChange ch = row.last();
        if (updateRun == null) {
            updateRun = writer.prepareStatement("UPDATE runs SET state = ?, worker = ?, attempts = ?,"
                    + " started_at = CASE WHEN ? THEN ? ELSE started_at END,"
                    + " ended_at = ?, exit_code = ?, assignment = ?, reason = ?,"
                    + " retried = coalesce(?, retried), try_base = coalesce(?, try_base) WHERE id = ?");
        }
        PreparedStatement ps = updateRun;
        ps.setString(1, ch.to().label());
        ps.setString(2, ch.to() == RunState.STAGED || ch.worker() == null ? null : ch.worker().name());
        ps.setInt(3, ch.attempts());
        ps.setBoolean(4, row.startedAt() != null);
        ps.setLong(5, row.startedAt() == null ? 0 : row.startedAt());
        if (ch.to().isFinal()) {
            ps.setLong(6, ch.timeMillis());
        } else {
            ps.setNull(6, Types.INTEGER);
        }
        // a retry's exit code goes to the history only: the row's is that of the run's end
        if (ch.exitCode() == null || !ch.to().isFinal()) {
            ps.setNull(7, Types.INTEGER);
        } else {
            ps.setInt(7, ch.exitCode());
        }
        ps.setString(8, ch.assignment() == null ? null : assignmentJson(ch.assignment()));
        ps.setString(9, ch.reason());
        setIntOrNull(ps, 10, row.retried());
        setIntOrNull(ps, 11, row.tryBase());
        ps.setLong(12, ch.runId().number());
        ps.executeUpdate();
    }

    /** A run's history gets every change, in order. */
    private void transition(StateChange ch) throws SQLException {
        if (insertTransition == null) {
            insertTransition = writer.prepareStatement("INSERT INTO transitions (run_id, from_state, to_state,"
                    + " worker, exit_code, attempts, at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        }
        PreparedStatement ps = insertTransition;
        ps.setLong(1, ch.runId().number());
        ps.setString(2, ch.from() == null ? null : ch.from().label());
        ps.setString(3, ch.to().label());
        ps.setString(4, ch.worker() == null ? null : ch.worker().name());
        setIntOrNull(ps, 5, ch.exitCode());
        ps.setInt(6, ch.attempts());
        ps.setLong(7, ch.timeMillis());
        ps.executeUpdate();
    }

    private static void setIntOrNull(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    private String assignmentJson(Assignment a) throws JsonProcessingException {
        if (!a.gpuIds().isEmpty()) {
            return JSON.writeValueAsString(a);
        }
        String json = assignmentJson.get(a.resources());
        if (json == null) {
            json = JSON.writeValueAsString(a);
            if (assignmentJson.size() < 1_000) { // distinct requirement sets are few; never let it grow unbounded
                assignmentJson.put(a.resources(), json);
            }
        }
        return json;
    }

    private void history(HistoryJob h) throws SQLException {
        long id;
        try {
            id = h.runId().number();
        } catch (NumberFormatException e) {
            return; // not one of ours
        }
        if (insertHistory == null) {
            insertHistory = writer.prepareStatement("INSERT INTO transitions (run_id, from_state, to_state,"
                    + " worker, exit_code, attempts, at) VALUES (?, 'superseded', ?, ?, ?, ?, ?)");
        }
        {
            PreparedStatement ps = insertHistory;
            ps.setLong(1, id);
            ps.setString(2, h.outcome());
            ps.setString(3, h.worker() == null ? null : h.worker().name());
            setIntOrNull(ps, 4, h.exitCode());
            ps.setInt(5, h.attempt());
            ps.setLong(6, h.at());
            ps.executeUpdate();
        }
    }

    private void fail(Job job, Exception e) {
        outstanding.decrementAndGet();
        if (job instanceof StageJob st) {
            st.done.completeExceptionally(e);
        } else if (job instanceof FlushJob f) {
            f.done().completeExceptionally(e);
        } else if (job instanceof CloseJob c) {
            c.done().completeExceptionally(e);
        }
    }

    // ---------------------------------------------------------------- reads

    /** Runs in id (staging) order; {@code state} null for all. */
    public List<StoredRun> runs(RunState state) {
        Map<Long, List<StateChange>> pending = pending();
        List<StoredRun> stored;
        synchronized (reader) {
            try {
                stored = select(reader, pending.isEmpty() ? state : null);
            } catch (SQLException | JsonProcessingException e) {
                throw new StoreException("cannot read runs from " + file + ": " + e.getMessage(), e);
            }
        }
        if (pending.isEmpty()) {
            return stored;
        }
        List<StoredRun> out = new ArrayList<>(stored.size());
        for (StoredRun r : stored) {
            StoredRun shown = withPending(r, pending);
            if (state == null || shown.state() == state) {
                out.add(shown);
            }
        }
        return out;
    }

    /** Counting and paging reads, done in SQL on the read connection. */
    public RunQueries queries() {
        return new RunQueries(this::read);
    }

    /**
     * Runs {@code reads} in one read transaction (one snapshot of the database) with the changes queued before it
     * began: a change committed meanwhile is in the snapshot, the queue or both, so applying the queue on top shows
     * every change recorded before the call.
     */
    private <T> T read(RunQueries.Reads<T> reads) {
        Map<Long, List<StateChange>> pending = pending();
        synchronized (reader) {
            try {
                reader.setAutoCommit(false);
                try {
                    return reads.read(reader, pending);
                } finally {
                    reader.commit();
                    reader.setAutoCommit(true);
                }
            } catch (SQLException | JsonProcessingException e) {
                throw new StoreException("cannot read runs from " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** A copy of the state changes not yet committed. */
    private Map<Long, List<StateChange>> pending() {
        synchronized (uncommitted) {
            if (uncommitted.isEmpty()) {
                return Map.of();
            }
            Map<Long, List<StateChange>> copy = new HashMap<>();
            uncommitted.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            return copy;
        }
    }

    /** The run as it will be once its queued changes are committed (they do as the SQL of {@link #update} does). */
    static StoredRun withPending(StoredRun r, Map<Long, List<StateChange>> pending) {
        List<StateChange> changes = pending.get(r.id().number());
        if (changes == null) {
            return r;
        }
        for (StateChange ch : changes) {
            r = new StoredRun(r.id(), r.spec(), ch.to(), ch.to() == RunState.STAGED ? null : ch.worker(), ch.attempts(),
                    r.stagedAt(), ch.to() == RunState.RUNNING ? Long.valueOf(ch.timeMillis()) : r.startedAt(),
                    ch.to().isFinal() ? Long.valueOf(ch.timeMillis()) : null, ch.to().isFinal() ? ch.exitCode() : null,
                    ch.assignment(), ch.reason(), ch.retried() == null ? r.retried() : ch.retried(),
                    ch.tryBase() == null ? r.tryBase() : ch.tryBase());
        }
        return r;
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
                RunColumns columns = RunColumns.of(rs);
                while (rs.next()) {
                    out.add(columns.row(rs));
                }
            }
            return out;
        }
    }

    public Optional<StoredRun> run(RunId id) {
        long key;
        try {
            key = id.number();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        // the queued changes before the row: a change committed in between is then in one or both, never in neither
        Map<Long, List<StateChange>> pending = pending();
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement("SELECT * FROM runs WHERE id = ?")) {
                ps.setLong(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(withPending(RunColumns.of(rs).row(rs), pending)) : Optional.empty();
                }
            } catch (SQLException | JsonProcessingException e) {
                throw new StoreException("cannot read run " + id + " from " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Commits what is queued, stops the writer and closes the database. Changes that still cannot be committed after
     * {@link #CLOSE_RETRY_MILLIS} are logged one by one and reported with a {@link StoreUnavailableException}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        CloseJob job = new CloseJob(new CompletableFuture<>());
        queue.add(job);
        java.util.concurrent.locks.LockSupport.unpark(thread);
        closed = true;
        try {
            await(job.done(), "closing");
        } finally {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                if (writer != null) {
                    writer.close();
                }
                synchronized (reader) {
                    reader.close();
                }
            } catch (SQLException e) {
                throw new StoreException("cannot close " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
