package io.hpcdask.server.api;

/** The HTTP API's paths, shared by {@link ApiServer} and {@link SchedulerClient}. */
final class ApiPaths {
    static final String RUNS = "/api/runs";
    static final String RUNS_PAGE = "/api/runs/page";
    static final String RUNS_WAIT = "/api/runs/wait";
    static final String RUN = "/api/run";
    static final String RUN_FOLLOW = "/api/run/follow";
    static final String SCALING_WAIT = "/api/scaling/wait";
    /** Server-sent events: {@link EventStreams}. */
    static final String EVENTS = "/api/events";
    static final String RUN_LOG = "/api/run/log";
    static final String RUN_LOG_PATH = "/api/run/log-path";
    static final String WORKERS = "/api/workers";
    static final String CANCEL = "/api/cancel";
    static final String RETRY = "/api/retry";
    static final String CANCEL_SELECTED = "/api/cancel/selected";
    static final String STATUS = "/api/status";
    static final String SHUTDOWN = "/api/shutdown";
    static final String SCALE = "/api/scale";
    static final String ADAPT = "/api/adapt";
    static final String SCALING = "/api/scaling";
    static final String JOB_SCRIPT = "/api/job-script";
    /** Issues a one-time dashboard login code (bearer token only). */
    static final String DASHBOARD_LOGIN_CODE = "/api/dashboard/login-code";
    /** Exchanges a login code for the dashboard's session cookie; not under /api: a browser opens it. */
    static final String LOGIN = "/login";
    /** Prometheus metrics, text format; outside /api because scrapers send no API version. */
    static final String METRICS = io.hpcdask.server.metrics.MetricsListener.PATH;
    /** The header of a submission carrying its client-chosen id: a repeated id returns the same runs. */
    static final String REQUEST_ID = "Hpc-Dask-Request-Id";

    /** One log read returns at most this much, so following a large log streams it in pieces. */
    static final int MAX_LOG_CHUNK = 1 << 20;

    /**
     * The longest a waiting request is held before it is answered with how things stand: well within the JDK server's
     * response time ({@link ApiServer#REQUEST_SECONDS}), which would otherwise close the connection under it.
     */
    static final long MAX_WAIT_MILLIS = 10_000;

    private ApiPaths() {
    }
}
