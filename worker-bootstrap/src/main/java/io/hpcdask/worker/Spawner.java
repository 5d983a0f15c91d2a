package io.hpcdask.worker;

import io.hpcdask.protocol.Message;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this worker starts runs: through the spawn helper (one exec per run) when perl can run it, otherwise through the
 * JDK (setsid, pump threads, kill execs). A helper that died is replaced at the next run. It passes the lease on to
 * what keeps it outside this JVM: the helper, and for runs started by the JDK a {@link RunGuard}, started with the
 * first of them. Used from the agent thread.
 */
final class Spawner implements AutoCloseable {
    /** The perl that runs the helper; a site without a usable one may point this elsewhere, or at nothing to opt out. */
    static final String PERL_ENV = "HPC_DASK_WORKER_PERL";
    private static final Logger LOG = LoggerFactory.getLogger(Spawner.class);

    private final String perl;
    private final ExecutorService jdkThreads;
    private final SpawnHelper.Batches batches;
    private SpawnHelper helper;
    private RunGuard guard;
    private long leaseUntilMillis;
    /** The lease's end as last told to the helper, in epoch seconds (the helper's clock counts seconds). */
    private long helperLeaseSecond = Long.MIN_VALUE;

    Spawner(String perl, ExecutorService jdkThreads) {
        this(perl, jdkThreads, SpawnHelper.Batches.NONE);
    }

    /** {@code batches} is told where the reports of each read from the helper begin and end. */
    Spawner(String perl, ExecutorService jdkThreads, SpawnHelper.Batches batches) {
        this.perl = perl;
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
        if (helper != null) {
            LOG.info("Runs start through the spawn helper ({}, pid {}): one exec per run", perl, helper.pid());
        }
    }

    private SpawnHelper startHelper() {
        if (perl == null || perl.isBlank()) {
            LOG.info("Runs start through the JDK ({} is empty): setsid, then the command", PERL_ENV);
            return null;
        }
        try {
            SpawnHelper started = SpawnHelper.start(List.of(perl), batches);
            helperLeaseSecond = Long.MIN_VALUE;
            tellLease(started);
            return started;
        } catch (IOException e) {
            LOG.warn("Runs start through the JDK (setsid, then the command): the spawn helper cannot run: {}",
                    RunProcess.rootMessage(e));
            return null;
        }
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

    /** "helper" or "jdk": the way the next run starts. */
    String mode() {
        return helper != null && !helper.dead() ? "helper" : "jdk";
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
            helper = startHelper();
            if (helper != null) {
                LOG.info("Started a new spawn helper (pid {})", helper.pid());
            }
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
