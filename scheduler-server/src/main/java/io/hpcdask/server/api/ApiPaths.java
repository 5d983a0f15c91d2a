package io.hpcdask.server.api;

/** The HTTP API's paths, shared by {@link ApiServer} and {@link SchedulerClient}. */
final class ApiPaths {
    static final String RUNS = "/api/runs";
    static final String RUN = "/api/run";
    static final String RUN_LOG = "/api/run/log";
    static final String RUN_LOG_PATH = "/api/run/log-path";
    static final String WORKERS = "/api/workers";
    static final String CANCEL = "/api/cancel";
    static final String STATUS = "/api/status";
    static final String SHUTDOWN = "/api/shutdown";
    static final String SCALE = "/api/scale";
    static final String SCALING = "/api/scaling";
    static final String JOB_SCRIPT = "/api/job-script";
    /** The header of a submission carrying its client-chosen id: a repeated id returns the same runs. */
    static final String REQUEST_ID = "Hpc-Dask-Request-Id";

    /** One log read returns at most this much, so following a large log streams it in pieces. */
    static final int MAX_LOG_CHUNK = 1 << 20;

    private ApiPaths() {
    }
}
