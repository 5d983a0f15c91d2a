package io.hpcdask.worker;

import java.util.Map;

/** Entry point of the worker jar. Exit codes: 0 done, 1 lost the scheduler, 2 bad arguments, 3 refused. */
public final class WorkerMain {
    static final int EXIT_BAD_INPUT = 2;

    private WorkerMain() {
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            // a name of its own, so it never clashes with the server's logback.xml on a shared classpath
            System.setProperty("logback.configurationFile", "hpc-dask-worker-logback.xml");
        }
        if (System.getProperty("jdk.lang.Process.launchMechanism") == null) {
            // vfork execs the run directly; the default posix_spawn goes through an extra helper exec per run
            System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        }
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> env) {
        if (WorkerArgs.wantsHelp(args)) {
            System.out.println(WorkerArgs.USAGE);
            return 0;
        }
        WorkerSpec spec;
        try {
            WorkerOptions options = WorkerArgs.parse(args);
            spec = WorkerSpec.resolve(options, env, GpuDetector.NVIDIA_GPUS, System.currentTimeMillis());
        } catch (UsageException e) {
            System.err.println("hpc-dask-worker: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        try {
            java.nio.file.Files.createDirectories(spec.workDirectory());
        } catch (java.io.IOException e) {
            System.err.println("hpc-dask-worker: --local-directory: cannot create '" + spec.workDirectory() + "' ("
                    + e.getClass().getSimpleName() + "); expected a writable directory");
            return EXIT_BAD_INPUT;
        }
        org.slf4j.LoggerFactory.getLogger(WorkerMain.class).info("Starting {}; scheduler at {}", spec, spec.scheduler());
        return new WorkerAgent(spec).run();
    }
}
