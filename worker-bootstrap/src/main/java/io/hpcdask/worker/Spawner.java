package io.hpcdask.worker;

import io.hpcdask.protocol.Message;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this worker starts runs: through a spawn helper (one exec per run): the C one where it runs, else the perl one;
 * else through the JDK (setsid, pump threads, kill execs). {@link SpawnWay} says which to try first; each that cannot
 * run is logged in one line saying why, and the next one down is tried. A helper that died is replaced at the next
 * run. It passes the lease on to what keeps it outside this JVM: the helper, and for runs started by the JDK a
 * {@link RunGuard}, started with the first of them. Used from the agent thread.
 */
final class Spawner implements AutoCloseable {
    /** The perl that runs the helper; a site without a usable one may point this elsewhere, or at nothing to skip it. */
    static final String PERL_ENV = "HPC_DASK_WORKER_PERL";
    private static final Logger LOG = LoggerFactory.getLogger(Spawner.class);

    private final SpawnWay first;
    private final String perl;
    private final NativeHelperBinary binary;
    private final List<Path> binaryPlaces;
    private final ExecutorService jdkThreads;
    private final SpawnHelper.Batches batches;
    private volatile SpawnHelper helper;
    private SpawnWay helperWay;
    private RunGuard guard;
    private long leaseUntilMillis;
    /** The lease's end as last told to the helper, in epoch seconds (the helper's clock counts seconds). */
    private long helperLeaseSecond = Long.MIN_VALUE;
    /** How long the helper may hold reports, as this worker wants it and as last told to the helper. */
    private long reportHoldMillis;
    private long helperReportHoldMillis;

    /** Through the perl helper, else the JDK. */
    Spawner(String perl, ExecutorService jdkThreads) {
        this(SpawnWay.PERL, perl, NativeHelperBinary.OF_THIS_JAR, List.of(), jdkThreads, SpawnHelper.Batches.NONE);
    }

    /**
     * {@code batches} is told where the reports of each read from the helper begin and end; the C helper is copied to
     * the temporary directory, else {@code workDirectory} or home, to run.
     */
    Spawner(SpawnWay first, String perl, Path workDirectory, ExecutorService jdkThreads, SpawnHelper.Batches batches) {
        this(first, perl, NativeHelperBinary.OF_THIS_JAR, NativeHelperBinary.places(workDirectory), jdkThreads, batches);
    }

    Spawner(SpawnWay first, String perl, NativeHelperBinary binary, List<Path> binaryPlaces, ExecutorService jdkThreads,
            SpawnHelper.Batches batches) {
        this.first = first;
        this.perl = perl;
        this.binary = binary;
        this.binaryPlaces = List.copyOf(binaryPlaces);
        this.jdkThreads = jdkThreads;
        this.batches = batches;
    }

    /**
     * Starts the helper now, so the first run does not wait for it, and says which way runs start. The lease holds
     * until {@code leaseUntilMillis} until it is moved.
     */
    void open(long leaseUntilMillis) {
        this.leaseUntilMillis = leaseUntilMillis;
        helper = startHelper();
    }

    private SpawnHelper startHelper() {
        SpawnHelper started = null;
        if (first == SpawnWay.NATIVE) {
            try {
                started = binary.start(binaryPlaces, batches);
                helperWay = SpawnWay.NATIVE;
                LOG.info("Runs start through the native spawn helper (pid {}): vfork, one exec per run",
                        started.pid());
            } catch (IOException e) {
                LOG.info("Runs cannot start through the native spawn helper: {}", RunProcess.rootMessage(e));
            }
        }
        if (started == null && first != SpawnWay.JDK) {
            if (perl == null || perl.isBlank()) {
                LOG.info("Runs start through the JDK ({} is empty): setsid, then the command", PERL_ENV);
                return null;
            }
            try {
                started = SpawnHelper.start(List.of(perl), batches);
                helperWay = SpawnWay.PERL;
                LOG.info("Runs start through the perl spawn helper ({}, pid {}): one exec per run", perl, started.pid());
            } catch (IOException e) {
                LOG.warn("Runs start through the JDK (setsid, then the command): the perl spawn helper cannot run: {}",
                        RunProcess.rootMessage(e));
                return null;
            }
        }
        if (started == null) {
            LOG.info("Runs start through the JDK ({}={}): setsid, then the command", SpawnWay.ENV, first);
            return null;
        }
        try {
            helperLeaseSecond = Long.MIN_VALUE;
            tellLease(started);
            helperReportHoldMillis = 0;
            tellReportHold(started);
        } catch (IOException e) {
            LOG.warn("Runs start through the JDK (setsid, then the command): the spawn helper (pid {}) did not take the"
                    + " lease: {}", started.pid(), e.toString());
            started.close();
            return null;
        }
        return started;
    }

    /** Moves the lease's end; cheap when the second is unchanged, so callable at every tick and start. */
    void lease(long untilMillis) {
        leaseUntilMillis = untilMillis;
        if (helper != null && !helper.dead()) {
            try {
                tellLease(helper);
            } catch (IOException e) {
                LOG.debug("Cannot tell the spawn helper the lease: {}", e.toString());
            }
        }
        if (guard != null) {
            guard.renew(untilMillis);
        }
    }

    private void tellLease(SpawnHelper to) throws IOException {
        long second = leaseUntilMillis / 1000;
        if (leaseUntilMillis > 0 && second != helperLeaseSecond) {
            to.lease(second);
            helperLeaseSecond = second;
        }
    }

    /**
     * How long the helper may hold reports of ended runs whose place a chained run took ({@link SpawnHelper#holdReports});
     * 0 while this worker must hear of every end at once. Cheap when unchanged.
     */
    void holdReports(long millis) {
        reportHoldMillis = millis;
        if (helper != null && !helper.dead()) {
            try {
                tellReportHold(helper);
            } catch (IOException e) {
                LOG.debug("Cannot tell the spawn helper how long it may hold reports: {}", e.toString());
            }
        }
    }

    private void tellReportHold(SpawnHelper to) throws IOException {
        if (reportHoldMillis != helperReportHoldMillis) {
            to.holdReports(reportHoldMillis);
            helperReportHoldMillis = reportHoldMillis;
        }
    }

    /**
     * Has the helper send what it holds, and waits at most {@code millis} until it was handed on; from any thread (a
     * shutdown hook), so the helper is read once.
     */
    void takeHeld(long millis) {
        SpawnHelper h = helper;
        if (h != null && !h.dead() && !h.takeHeld(millis)) {
            LOG.warn("The spawn helper (pid {}) did not send the reports it held within {} ms", h.pid(), millis);
        }
    }

    /** The way the next run starts: "native", "perl" or "jdk". */
    String mode() {
        return (helper != null && !helper.dead() ? helperWay : SpawnWay.JDK).toString();
    }

    /**
     * Starts the run. Through the helper, its start or failure is told to {@code events} later; through the JDK it is
     * told before this returns, and a failure to start is thrown.
     */
    RunProcess start(Message.StartRun request, List<String> gpuIds, Path workDirectory, RunProcess.Events events)
            throws IOException {
        if (request.argv() == null || request.argv().isEmpty()) {
            throw new IOException("the run has no command");
        }
        if (helper != null && helper.dead()) {
            LOG.info("The spawn helper died: starting another");
            helper = startHelper();
        }
        if (helper != null) {
            try {
                return helper.start(request, gpuIds, workDirectory, events);
            } catch (IOException e) {
                LOG.warn("This run starts through the JDK: {}", e.getMessage());
            }
        }
        if (guard == null) {
            try {
                guard = RunGuard.start(leaseUntilMillis > 0 ? leaseUntilMillis : Long.MAX_VALUE); // none given yet
            } catch (IOException e) {
                throw new IOException("cannot start the run guard (the run would outlive a frozen or killed worker): "
                        + e.getMessage(), e);
            }
        }
        return JdkRunProcess.start(request, gpuIds, workDirectory, jdkThreads, guard, events);
    }

    /**
     * Hands the run (which uses no GPU) to the spawn helper to start the moment {@code after} exits, as
     * {@link SpawnHelper#chain} does; null when runs do not start through a live helper or {@code after} is not
     * one of its runs: the run then waits in this JVM.
     */
    RunProcess chain(Message.StartRun request, RunProcess after, Path workDirectory, RunProcess.Events events)
            throws IOException {
        if (helper == null || helper.dead() || request.argv() == null || request.argv().isEmpty()) {
            return null;
        }
        return helper.chain(request, after, workDirectory, events);
    }

    /** See {@link SpawnHelper#beginBatch}; nothing for runs the JDK starts. */
    void beginBatch() {
        SpawnHelper h = helper;
        if (h != null) {
            h.beginBatch();
        }
    }

    /** See {@link SpawnHelper#endBatch}. */
    void endBatch(boolean more) {
        SpawnHelper h = helper;
        if (h != null) {
            try {
                h.endBatch(more);
            } catch (IOException e) {
                LOG.debug("Cannot write to the spawn helper: {}", e.toString());
            }
        }
    }

    /** Asks the helper to drop a chained run that has not started (see {@link SpawnHelper#withdraw}). */
    void withdraw(RunProcess run) {
        if (helper != null) {
            helper.withdraw(run);
        }
    }

    @Override
    public void close() {
        if (helper != null) {
            helper.close();
        }
        if (guard != null) {
            guard.close();
        }
    }
}
