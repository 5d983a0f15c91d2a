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
 * JDK (setsid, pump threads, kill execs). A helper that died is replaced at the next run. Used from the agent thread.
 */
final class Spawner implements AutoCloseable {
    /** The perl that runs the helper; a site without a usable one may point this elsewhere, or at nothing to opt out. */
    static final String PERL_ENV = "HPC_DASK_WORKER_PERL";
    private static final Logger LOG = LoggerFactory.getLogger(Spawner.class);

    private final String perl;
    private final ExecutorService jdkThreads;
    private SpawnHelper helper;

    Spawner(String perl, ExecutorService jdkThreads) {
        this.perl = perl;
        this.jdkThreads = jdkThreads;
    }

    /** Starts the helper now, so the first run does not wait for it, and says which way runs start. */
    void open() {
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
            return SpawnHelper.start(List.of(perl));
        } catch (IOException e) {
            LOG.warn("Runs start through the JDK (setsid, then the command): the spawn helper cannot run: {}",
                    RunProcess.rootMessage(e));
            return null;
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
        return JdkRunProcess.start(request, gpuIds, workDirectory, jdkThreads, events);
    }

    @Override
    public void close() {
        if (helper != null) {
            helper.close();
        }
    }
}
