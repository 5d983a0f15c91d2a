package io.hpcdask.worker;

import io.hpcdask.protocol.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of the spawn helper (spawn-helper.c, or spawn-helper.pl where the C one cannot run): one process per
 * worker starts each run straight into its own session, so a run costs one exec (its command), and one reader thread here carries every run's output and exit, taking all the
 * frames one read brings at once (a run that ended at once comes with its start). Signals go to a run's group through
 * the helper's kill(2). The helper also keeps the lease ({@link #lease}): should this JVM freeze past it, the helper
 * kills the runs and says so in their ends. Should the helper die, its runs are killed and reported abandoned, so
 * the scheduler re-stages them as it does the runs of a lost worker.
 */
final class SpawnHelper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpawnHelper.class);
    static final String DIED = "the worker's spawn helper died";
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;

    /** The first read's buffer; it grows only for a frame larger than it (output comes in chunks of up to 64 KB). */
    private static final int FIRST_BUFFER = 8 * 1024;
    private static final int MAX_FRAME = 1 << 20;

    /**
     * Told around the handling of what one read from the helper brought (a run's start and its end, often), so the
     * reports made of it leave together.
     */
    interface Batches {
        Batches NONE = new Batches() {
            @Override
            public void begin() {
            }

            @Override
            public void end() {
            }
        };

        void begin();

        /**
         * Told inside a batch, at most once, when a run of it ended and no chained run started in its place in the
         * same turn of the helper (the helper says so in the next frame), so a place may be free.
         */
        default void placeFreed() {
        }

        void end();
    }

    private final Process process;
    private final Batches batches;
    private final OutputStream commands;
    private final InputStream fromHelper;
    /** The helper's output read straight from the pipe, or null to read it through {@link #fromHelper}. */
    private InputStream rawFromHelper;
    private final Map<Integer, HelperRun> runs = new ConcurrentHashMap<>();
    private final AtomicInteger tags = new AtomicInteger();
    private volatile boolean dead;
    /** Counted down once the reader has handed on everything the helper wrote before its answer to a "F". */
    private volatile CountDownLatch heldTaken;
    /** Commands are written and left unflushed, for one write to carry several (guarded by {@link #commands}). */
    private boolean batching;

    private SpawnHelper(Process process, Batches batches) {
        this.process = process;
        this.batches = batches;
        this.commands = process.getOutputStream();
        this.fromHelper = process.getInputStream();
    }

    /** Starts the helper with {@code perl} (a command and its first words, e.g. {@code [perl]}); throws when it cannot run. */
    static SpawnHelper start(List<String> perl) throws IOException {
        return start(perl, Batches.NONE);
    }

    /** As {@link #start(List)}, telling {@code batches} where each read's reports begin and end. */
    static SpawnHelper start(List<String> perl, Batches batches) throws IOException {
        String script;
        try (InputStream in = SpawnHelper.class.getResourceAsStream("spawn-helper.pl")) {
            if (in == null) {
                throw new IOException("spawn-helper.pl is missing from the worker jar");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> command = new ArrayList<>(perl);
        command.addAll(List.of("-e", script));
        return run(command, String.join(" ", perl), batches);
    }

    /**
     * Starts the helper that {@code command} runs (the C one, or perl with its script), given the drain time as its
     * last argument; {@code what} names it in a failure. Throws when it does not say hello.
     */
    static SpawnHelper run(List<String> command, String what, Batches batches) throws IOException {
        List<String> withDrain = new ArrayList<>(command);
        withDrain.add(Long.toString(RunProcess.OUTPUT_DRAIN_MILLIS));
        Process p = new ProcessBuilder(withDrain).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        SpawnHelper helper = new SpawnHelper(p, batches);
        // a helper that cannot run (a perl without POSIX, a broken one) exits before its hello
        try {
            byte[] hello = helper.fromHelper.readNBytes(9);
            if (hello.length < 9 || hello[4] != 'H') {
                throw new IOException("it did not say hello");
            }
        } catch (IOException e) {
            p.destroyForcibly();
            throw new IOException(what + " did not start the spawn helper (exit " + exit(p) + ")", e);
        }
        helper.rawFromHelper = HelperPipe.open(p, helper.fromHelper);
        Thread reader = new Thread(helper::readEvents, "spawn-helper");
        reader.setDaemon(true);
        reader.start();
        return helper;
    }

    private static String exit(Process p) {
        try {
            return Integer.toString(p.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    long pid() {
        return process.pid();
    }

    boolean dead() {
        return dead;
    }

    /** Asks the helper to start the run; {@link RunProcess.Events#started} or {@code failedToStart} follows. */
    RunProcess start(Message.StartRun request, List<String> gpuIds, Path workDirectory, RunProcess.Events events)
            throws IOException {
        int tag = tags.incrementAndGet();
        HelperRun run = new HelperRun(this, tag, request, gpuIds, events);
        send(run, 'S', fields(request, gpuIds, workDirectory, Integer.toString(tag)));
        return run;
    }

    /**
     * Asks the helper to start the run (which uses no GPU) in the same turn as {@code after} exits on its own, or at
     * once when {@code after} has ended already, with no trip through this JVM; the caller has checked that what
     * {@code after} frees suffices. {@code started} or {@code failedToStart} follows the end of {@code after}, or
     * {@link RunProcess.Events#withdrawn} says it never starts. Null when {@code after} is not this helper's run.
     */
    RunProcess chain(Message.StartRun request, RunProcess after, Path workDirectory, RunProcess.Events events)
            throws IOException {
        if (!(after instanceof HelperRun previous) || previous.helper != this || dead) {
            return null;
        }
        int tag = tags.incrementAndGet();
        HelperRun run = new HelperRun(this, tag, request, List.of(), events);
        run.chained = true;
        send(run, 'C', fields(request, List.of(), workDirectory, Integer.toString(tag),
                Integer.toString(previous.tag)));
        return run;
    }

    /**
     * Asks the helper to drop a chained run that has not started: {@link RunProcess.Events#withdrawn} follows, unless
     * it started first (then its start was told before).
     */
    void withdraw(RunProcess run) {
        if (run instanceof HelperRun chained && chained.helper == this && chained.chained) {
            try {
                send('W', Integer.toString(chained.tag));
            } catch (IOException e) {
                LOG.debug("Cannot reach the spawn helper to withdraw run {}: {}", chained.tag, e.toString());
            }
        }
    }

    private static String[] fields(Message.StartRun request, List<String> gpuIds, Path workDirectory, String... tags)
            throws IOException {
        List<String> fields = new ArrayList<>(List.of(tags));
        fields.add(JdkRunProcess.cwd(request, workDirectory).toString());
        Map<String, String> env = JdkRunProcess.extraEnv(request, gpuIds);
        fields.add(Integer.toString(env.size()));
        env.forEach((k, v) -> fields.add(k + "=" + v));
        fields.addAll(JdkRunProcess.argv(request));
        for (String f : fields) {
            if (f.indexOf('\0') >= 0) {
                throw new IOException("the run's command, directory or environment holds a NUL character");
            }
        }
        return fields.toArray(String[]::new);
    }

    private void send(HelperRun run, char type, String[] fields) throws IOException {
        runs.put(run.tag, run);
        try {
            send(type, fields);
        } catch (IOException e) {
            runs.remove(run.tag);
            throw new IOException("the spawn helper is gone: " + e.getMessage(), e);
        }
    }

    /** A chained run that never starts in this helper: told once, as ended, so nothing waits for it here. */
    private void withdrawn(HelperRun run) {
        runs.remove(run.tag);
        run.chained = false;
        run.ended = true;
        run.events.withdrawn(run);
    }

    /** The lease holds until {@code untilSecond} (epoch): past it, the helper kills every run this JVM has not. */
    void lease(long untilSecond) throws IOException {
        send('L', Long.toString(untilSecond));
    }

    /**
     * Lets the helper hold reports up to {@code millis} while chained runs take the place of every run that ends, for
     * several to reach this JVM in one write; 0 sends what it holds and holds nothing more.
     */
    void holdReports(long millis) throws IOException {
        send('Q', Long.toString(millis));
    }

    /**
     * Asks the helper for every report it holds and waits, at most {@code millis}, until this JVM has handed them all
     * on (told {@code events} and ended the batch that brought them): for a worker going down, so that a run that
     * ended just before is reported, not run again. False when that did not happen in time.
     */
    boolean takeHeld(long millis) {
        CountDownLatch taken = new CountDownLatch(1);
        heldTaken = taken;
        try {
            send('F');
            return taken.await(millis, TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void signal(int tag, String signal) {
        int number = "KILL".equals(signal) ? SIGKILL : SIGTERM;
        try {
            send('K', Integer.toString(tag), Integer.toString(number));
        } catch (IOException e) {
            LOG.debug("Cannot reach the spawn helper to signal run {}: {}", tag, e.toString());
        }
    }

    private void send(char type, String... fields) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(256);
        frame.write(new byte[4], 0, 4); // the length, once known
        frame.write(type);
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                frame.write(0);
            }
            frame.writeBytes(fields[i].getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = frame.toByteArray();
        int n = bytes.length - 4;
        bytes[0] = (byte) (n >>> 24);
        bytes[1] = (byte) (n >>> 16);
        bytes[2] = (byte) (n >>> 8);
        bytes[3] = (byte) n;
        synchronized (commands) {
            commands.write(bytes);
            if (!batching || type == 'F') {
                commands.flush();
            }
        }
    }

    /**
     * Until {@link #endBatch}, commands wait in the pipe's buffer: a frame of the scheduler's that starts several runs
     * then reaches the helper in one write, which wakes it once, instead of one write and one wake-up per run.
     */
    void beginBatch() {
        synchronized (commands) {
            batching = true;
        }
    }

    /** Ends a batch; what it wrote goes to the helper now, or is left for the next batch when {@code more} follow. */
    void endBatch(boolean more) throws IOException {
        synchronized (commands) {
            batching = false;
            if (!more) {
                commands.flush(); // makes no system call when nothing waits in the buffer
            }
        }
    }

    private void readEvents() {
        try (InputStream jdk = fromHelper; InputStream raw = rawFromHelper) {
            InputStream in = raw != null ? raw : jdk;
            while (readOnce(in)) {
                // each turn in a method of its own: this loop never ends, so a JIT that compiles only methods called
                // often (C1 at its default thresholds) would leave a turn's work interpreted
            }
        } catch (IOException e) {
            LOG.warn("Lost the spawn helper's events: {}", e.toString());
        }
        helperGone();
    }

    // the reader thread's: the bytes read and not yet handled are buf[start, end)
    private byte[] buf = new byte[FIRST_BUFFER];
    private int start;
    private int end;
    /** The last frame handled was an end: the next one says whether a chained run started in its place. */
    private boolean endLast;
    /** A run of this batch ended and no chained run started in its place. */
    private boolean freed;
    /** This batch brought the helper's answer to a {@link #takeHeld}. */
    private boolean heldAnswered;

    /** Handles every whole frame read, then reads more; false at the end of the helper's output. */
    private boolean readOnce(InputStream in) throws IOException {
        boolean batch = false;
        try {
            while (end - start >= 4) {
                int length = int32(buf, start);
                if (length < 5 || length > MAX_FRAME) {
                    throw new IOException("a frame of " + length + " bytes from the spawn helper");
                }
                if (end - start - 4 < length) {
                    break;
                }
                if (!batch) {
                    batch = true;
                    batches.begin();
                }
                event(buf, start + 4, length);
                start += 4 + length;
            }
        } finally {
            if (batch) {
                if (freed || endLast) { // an end last in a read: what follows it is not known yet
                    batches.placeFreed();
                }
                batches.end();
            }
            endLast = false;
            freed = false;
            if (heldAnswered) {
                heldAnswered = false;
                heldTaken.countDown();
            }
        }
        if (start == end) {
            start = 0;
            end = 0;
        } else {
            int need = end - start < 4 ? 4 : 4 + int32(buf, start);
            if (buf.length - start < need) {
                // the frame read in part does not fit behind: to the front, of a buffer large enough for it
                byte[] to = need > buf.length ? new byte[need] : buf;
                System.arraycopy(buf, start, to, 0, end - start);
                buf = to;
                end -= start;
                start = 0;
            }
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    /** One frame: its type, the run's tag, then {@code length - 5} bytes of data from {@code at + 5}. */
    private void event(byte[] buf, int at, int length) throws IOException {
        int type = buf[at] & 0xff;
        int tag = int32(buf, at + 1);
        int data = at + 5;
        HelperRun run = runs.get(tag);
        // the helper starts a chained run in the same turn as the end before it, its frame right behind that end's
        freed |= endLast && !(type == 'P' && run != null && run.chained);
        endLast = false;
        if (type == 'F') {
            heldAnswered = heldTaken != null;
            return;
        }
        if (run == null) {
            return;
        }
        switch (type) {
            case 'P' -> {
                run.chained = false;
                run.pid = int32(buf, data) & 0xffffffffL;
                run.events.started(run);
            }
            case 'E' -> {
                runs.remove(tag);
                run.chained = false;
                run.ended = true;
                run.events.failedToStart(run, new String(buf, data, length - 5, StandardCharsets.UTF_8));
            }
            case 'O' -> run.events.output(run.runId(), run.attempt(), buf[data] == 1 ? "stdout" : "stderr",
                    java.util.Arrays.copyOfRange(buf, data + 1, at + length));
            case 'X' -> {
                runs.remove(tag);
                run.killedForLease = length > 9 && buf[data + 4] == 1;
                run.ended = true;
                endLast = true;
                run.events.finished(run, run.result(exitCode(int32(buf, data))));
            }
            case 'R' -> withdrawn(run);
            default -> throw new IOException("unknown frame type " + type + " from the spawn helper");
        }
    }

    /** A wait status as Java reports a process's exit: its code, or 128+N when signal N killed it. */
    static int exitCode(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    private void helperGone() {
        dead = true;
        if (runs.isEmpty()) {
            return;
        }
        List<HelperRun> left = new ArrayList<>(runs.values());
        long waited = left.stream().filter(run -> run.chained).count();
        LOG.error("The spawn helper (pid {}) died; killing its {} run(s), which the scheduler re-stages{}",
                process.pid(), left.size() - waited, waited == 0 ? "" : "; " + waited + " run(s) waiting in it start anew");
        for (HelperRun run : left) {
            if (run.chained) { // never started, and will not now: the worker starts it another way
                withdrawn(run);
            }
        }
        for (HelperRun run : left) {
            if (!runs.remove(run.tag, run)) {
                continue;
            }
            run.ended = true;
            if (run.pid > 1) {
                ProcessGroups.signal(run.pid, "KILL"); // no helper left to send it
            }
            run.events.finished(run, new Message.RunFinished(run.runId(), -1, true, DIED, run.attempt(), true));
        }
    }

    /** Closing the helper's input makes it kill every run's group and exit. */
    @Override
    public void close() {
        try {
            commands.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class HelperRun extends RunProcess {
        private final SpawnHelper helper;
        private final int tag;
        private final Events events;
        private volatile long pid;
        private volatile boolean ended;
        private volatile boolean killedForLease;
        /** Handed to the helper to start when another run ends; false once started, failed or withdrawn. */
        private volatile boolean chained;

        HelperRun(SpawnHelper helper, int tag, Message.StartRun request, List<String> gpuIds, Events events) {
            super(request, gpuIds);
            this.helper = helper;
            this.tag = tag;
            this.events = events;
        }

        @Override
        long pid() {
            return pid;
        }

        @Override
        void signal(String signal) {
            if (!ended) {
                helper.signal(tag, signal);
            }
        }

        @Override
        boolean isAlive() {
            return !ended;
        }

        @Override
        boolean killedForLease() {
            return killedForLease;
        }
    }
}
