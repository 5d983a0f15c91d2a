package io.hpcdask.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the worker jar; {@code --probe HOST:PORT} makes it a one-shot reachability check ({@link Probe}).
 * Exit codes: 0 done (stopped, drained, lifetime over), 1 failed (lost the scheduler
 * for --death-timeout, or the node lacks setsid), 2 bad arguments, 3 refused by the scheduler, 4 the scheduler is of
 * another protocol version (another hpc-dask release; it proved it holds the cluster token).
 */
public final class WorkerMain {
    static final int EXIT_FAILED = 1;
    static final int EXIT_BAD_INPUT = 2;

    private WorkerMain() {
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            // only where logback is on the classpath (tests, a worker run from the server's jar; the worker jar logs
            // through slf4j-simple): a name of its own, so it never clashes with the server's logback.xml
            System.setProperty("logback.configurationFile", "hpc-dask-worker-logback.xml");
        }
        WorkerLogging.configure(System.getenv(), System.err);
        if (System.getProperty("io.netty.allocator.type") == null) {
            // pooled arenas hold megabytes for traffic an idle worker never has; messages here are small
            System.setProperty("io.netty.allocator.type", "unpooled");
        }
        if (System.getProperty("jdk.lang.Process.launchMechanism") == null && Runtime.version().feature() < 23) {
            // vfork execs directly; the default posix_spawn goes through an extra jspawnhelper exec (it matters for the
            // JDK fallback of runs, which the spawn helper avoids). Newer JDKs deprecate vfork and warn (25 does).
            System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        }
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> env) {
        if (Probe.wanted(args)) {
            return Probe.run(args, env, System.out, System.err);
        }
        if (GivenArgs.wantsHelp(args)) {
            System.out.println(WorkerFlag.USAGE);
            System.out.println("   or: " + Probe.USAGE.substring("usage: ".length()));
            return 0;
        }
        WorkerSpec spec;
        try {
            WorkerOptions options = WorkerOptions.parse(args);
            spec = WorkerSpec.resolve(options, env, GpuDetector.NVIDIA_GPUS, System.currentTimeMillis());
        } catch (UsageException e) {
            System.err.println("hpc-dask-worker: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        if (ExecutableOnPath.find("setsid", env.get("PATH")).isEmpty()) {
            System.err.println("hpc-dask-worker: setsid (util-linux) is not on PATH; the worker needs it to give each run"
                    + " its own process group");
            return EXIT_FAILED;
        }
        try {
            Files.createDirectories(spec.workDirectory());
        } catch (IOException e) {
            System.err.println("hpc-dask-worker: --local-directory: cannot create '" + spec.workDirectory() + "' ("
                    + e.getClass().getSimpleName() + "); expected a writable directory");
            return EXIT_BAD_INPUT;
        }
        LoggerFactory.getLogger(WorkerMain.class).info("Starting {}; scheduler at {}", spec, spec.scheduler());
        return new WorkerAgent(spec).run();
    }
}
