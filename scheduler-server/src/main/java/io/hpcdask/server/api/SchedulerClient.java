package io.hpcdask.server.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hpcdask.retry.Retry;
import io.hpcdask.retry.RetryListener;
import io.hpcdask.retry.RetryPolicy;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CLI's side of {@link ApiServer}: {@link SchedulerService} and {@link ClusterControl} over HTTP. Failures are
 * {@link ApiUnreachableException} when nothing answers and {@link ApiException} when the scheduler refuses.
 * Each request is one {@link HttpExchangeOnce} (why not the JDK's HTTP clients: see there), its JSON {@link RecordJson}'s.
 */
public final class SchedulerClient implements SchedulerService, ClusterControl {
    private final URI base;
    private final String host;
    private final int port;
    private final String authorization;
    private final Duration timeout;
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;
    private static final Retry RETRY = Retry.blocking();

    public SchedulerClient(String host, int port, String token) {
        this(host, port, token, Duration.ofSeconds(60));
    }

    public SchedulerClient(String host, int port, String token, Duration timeout) {
        this.base = URI.create("http://" + host + ":" + port);
        this.host = host;
        this.port = port;
        this.authorization = "Bearer " + token;
        this.timeout = timeout;
    }

    /**
     * Stages {@code runs}, in as many requests as the API's body limit ({@link ApiServer#MAX_BODY_BYTES}) needs, in
     * order; a big array goes in batches. If a later batch is refused, the message says how many were staged.
     */
    @Override
    public StageResult stage(List<RunRequest> runs) {
        return stage(null, runs);
    }

    /**
     * Stages {@code runs} as {@link #stage(List)} does, under {@code requestId} (or null): sent again after a lost
     * answer, the same id returns the same runs, staged once. In batches, batch {@code i} goes as
     * {@code requestId#i}: the split depends only on the runs, so a resend names each batch as the first send did.
     */
    @Override
    public StageResult stage(String requestId, List<RunRequest> runs) {
        byte[] whole = encode(runs);
        if (whole.length <= ApiServer.MAX_BODY_BYTES) {
            return postRuns(whole, requestId);
        }
        // batches of about half the limit, each checked (and halved again if its runs are bigger than average)
        int batches = (int) Math.min(runs.size(), (2 * (long) whole.length + ApiServer.MAX_BODY_BYTES - 1) / ApiServer.MAX_BODY_BYTES);
        int per = (runs.size() + batches - 1) / batches;
        List<byte[]> bodies = new ArrayList<>();
        for (int from = 0; from < runs.size(); from += per) {
            split(runs.subList(from, Math.min(runs.size(), from + per)), bodies);
        }
        List<String> ids = new ArrayList<>();
        java.util.LinkedHashSet<String> warnings = new java.util.LinkedHashSet<>();
        for (int i = 0; i < bodies.size(); i++) {
            StageResult part;
            try {
                part = postRuns(bodies.get(i), requestId == null ? null : requestId + "#" + i);
            } catch (ApiException e) {
                if (ids.isEmpty()) {
                    throw e;
                }
                throw new ApiException(e.status(), e.getMessage() + " (the first " + ids.size() + " of " + runs.size()
                        + " runs were staged, ids " + ids.get(0) + " to " + ids.get(ids.size() - 1) + ")");
            }
            ids.addAll(part.ids());
            warnings.addAll(part.warnings());
        }
        return new StageResult(ids, new ArrayList<>(warnings));
    }

    private StageResult postRuns(byte[] body, String requestId) {
        return send("POST", ApiPaths.RUNS, body, requestId, new TypeReference<StageResult>() {});
    }

    /**
     * Stages runs under {@code requestId}, sending the same request again when its answer is lost (the scheduler did
     * not answer in time, or the connection broke): up to {@code attempts} sends, {@code pause} times the attempt
     * number apart, with {@code onRetry} told before each resend. The scheduler stages a request id once, so however
     * many sends reach it, the runs are staged once and every answer names the same ids. Nothing answering at all
     * (connection refused) and refusals are not retried.
     */
    public StageResult stageRetrying(String requestId, List<RunRequest> runs, int attempts, Duration pause,
                                     java.util.function.Consumer<ApiUnreachableException> onRetry) {
        RetryPolicy resend = RetryPolicy.linear(pause).maxAttempts(attempts);
        return RETRY.call(resend, f -> f instanceof ApiUnreachableException u && !(u.getCause() instanceof ConnectException),
                (f, attempt, next) -> onRetry.accept((ApiUnreachableException) f), attempt -> stage(requestId, runs));
    }

    /** Encodes {@code runs} as bodies each within the API's limit, halving a batch until it fits. */
    private void split(List<RunRequest> runs, List<byte[]> bodies) {
        byte[] bytes = encode(runs);
        if (bytes.length <= ApiServer.MAX_BODY_BYTES) {
            bodies.add(bytes);
        } else if (runs.size() == 1) {
            throw new IllegalArgumentException("a run's request is " + bytes.length + " bytes, more than the API's limit of "
                    + ApiServer.MAX_BODY_BYTES + " bytes");
        } else {
            int half = runs.size() / 2;
            split(runs.subList(0, half), bodies);
            split(runs.subList(half, runs.size()), bodies);
        }
    }

    @Override
    public List<RunView> runs(String state) {
        String q = state == null ? "" : "?state=" + enc(state);
        return get(ApiPaths.RUNS + q, new TypeReference<List<RunView>>() {});
    }

    @Override
    public RunView run(String id) {
        return get(ApiPaths.RUN + "?id=" + enc(id), new TypeReference<RunView>() {});
    }

    /** The latest runs the filter passes, with counts per state. */
    @Override
    public RunPage runPage(RunFilter filter) {
        return get(ApiPaths.RUNS_PAGE + "?limit=" + filter.limit()
                        + (filter.states().isEmpty() ? "" : "&state=" + enc(String.join(",", filter.states())))
                        + (filter.label() == null ? "" : "&label=" + enc(filter.label())),
                new TypeReference<RunPage>() {});
    }

    /**
     * Asks the scheduler to answer once all of {@code ids} have ended, or after {@code wait} with how many have
     * ({@link Duration#ZERO}: at once). The scheduler holds a wait for at most {@value ApiPaths#MAX_WAIT_MILLIS} ms.
     */
    public RunsProgress waitForRuns(List<String> ids, Duration wait) {
        return getWaiting(ApiPaths.RUNS_WAIT + "?ids=" + enc(RunIds.encode(ids)) + "&wait=" + wait.toMillis(),
                new TypeReference<RunsProgress>() {});
    }

    /**
     * Run {@code id} and its log from {@code offset}, once it has ended or printed more, or after {@code wait}
     * ({@link Duration#ZERO}: at once).
     */
    public RunFollow followRun(String id, long offset, Duration wait) {
        return followRun(id, offset, wait, null);
    }

    /** As {@link #followRun(String, long, Duration)}, with only the output of {@code only} (null: every stream). */
    public RunFollow followRun(String id, long offset, Duration wait, LogStream only) {
        return getWaiting(ApiPaths.RUN_FOLLOW + "?id=" + enc(id) + "&offset=" + offset + "&wait=" + wait.toMillis()
                + streamParam(only), new TypeReference<RunFollow>() {});
    }

    private static String streamParam(LogStream only) {
        return only == null ? "" : "&stream=" + only.label();
    }

    /**
     * The scaling view once workers have joined or left since {@code version} was answered, or after {@code wait}
     * ({@link Duration#ZERO}: at once).
     */
    public ScalingWait waitForScaling(long version, Duration wait) {
        return getWaiting(ApiPaths.SCALING_WAIT + "?version=" + version + "&wait=" + wait.toMillis(),
                new TypeReference<ScalingWait>() {});
    }

    /** How often, and how far apart, a waiting request refused with 503 is asked again before the refusal stands. */
    static final int WAIT_RETRIES = 25;
    static final long WAIT_RETRY_MILLIS = 200;
    private static final RetryPolicy WAIT_REFUSED = RetryPolicy.fixed(Duration.ofMillis(WAIT_RETRY_MILLIS))
            .maxAttempts(WAIT_RETRIES + 1);
    private static final RetryPolicy WAIT_LOST = RetryPolicy.fixed(Duration.ZERO).maxAttempts(2);

    /**
     * A waiting GET. A connection lost while waiting (the scheduler was killed) is asked once more, and a wait refused
     * for now (the scheduler is stopping, or holds too many waits) again after a pause, so the caller hears what a
     * plain request would have: nothing answers, or the refusal that stands.
     */
    private <T> T getWaiting(String path, TypeReference<T> type) {
        return RETRY.call(SchedulerClient::waitRetry, RetryListener.SILENT, attempt -> get(path, type));
    }

    /** A lost wait is asked once more at once; a wait refused for now, after a pause; anything else stands. */
    private static RetryPolicy waitRetry(Exception failure) {
        if (failure instanceof ApiUnreachableException e) {
            boolean lostWhileWaiting = !(e.getCause() instanceof ConnectException || e.getCause() instanceof SocketTimeoutException
                    || e.getCause() instanceof InterruptedException);
            return lostWhileWaiting ? WAIT_LOST : null;
        }
        return failure instanceof ApiException e && e.status() == 503 ? WAIT_REFUSED : null;
    }

    @Override
    public List<WorkerView> workers() {
        return get(ApiPaths.WORKERS, new TypeReference<List<WorkerView>>() {});
    }

    @Override
    /** Stages finished runs again as new attempts; returns the ids staged again. */
    public List<String> retry(RetryRequest request) {
        return post(ApiPaths.RETRY, request, new TypeReference<List<String>>() {});
    }

    public List<String> cancel(List<String> runIds) {
        return post(ApiPaths.CANCEL, runIds, new TypeReference<List<String>>() {});
    }

    @Override
    public CancelResult cancel(CancelSelection selection) {
        return post(ApiPaths.CANCEL_SELECTED, selection, new TypeReference<CancelResult>() {});
    }

    /** The log file's path on the scheduler's host, which for a local cluster is this host. */
    @Override
    public Path runLog(String runId) {
        return Path.of(get(ApiPaths.RUN_LOG_PATH + "?id=" + enc(runId), new TypeReference<String>() {}));
    }

    public RunLogChunk readLog(String runId, long offset) {
        return readLog(runId, offset, null);
    }

    /** Bytes of the run's log from {@code offset}, only those of {@code only} (null: every stream). */
    public RunLogChunk readLog(String runId, long offset, LogStream only) {
        return get(ApiPaths.RUN_LOG + "?id=" + enc(runId) + "&offset=" + offset + streamParam(only),
                new TypeReference<RunLogChunk>() {});
    }

    @Override
    public ClusterStatus status() {
        return get(ApiPaths.STATUS, new TypeReference<ClusterStatus>() {});
    }

    @Override
    public ScaleResult scale(ScaleRequest request) {
        return post(ApiPaths.SCALE, request, new TypeReference<ScaleResult>() {});
    }

    @Override
    public ScaleResult adapt(AdaptRequest request) {
        return post(ApiPaths.ADAPT, request, new TypeReference<ScaleResult>() {});
    }

    /** A one-time code that logs a browser in to the dashboard at {@link LoginCode#loginPath()}. */
    public LoginCode dashboardLoginCode() {
        return post(ApiPaths.DASHBOARD_LOGIN_CODE, java.util.Map.of(), new TypeReference<LoginCode>() {});
    }

    @Override
    public ScalingView scaling() {
        return get(ApiPaths.SCALING, new TypeReference<ScalingView>() {});
    }

    @Override
    public String jobScript(String profile) {
        return get(ApiPaths.JOB_SCRIPT + (profile == null ? "" : "?profile=" + enc(profile)), new TypeReference<String>() {});
    }

    @Override
    public void shutdown() {
        post(ApiPaths.SHUTDOWN, "", new TypeReference<String>() {});
    }

    private <T> T get(String path, TypeReference<T> type) {
        return send("GET", path, null, null, type);
    }

    private <T> T post(String path, Object body, TypeReference<T> type) {
        return postBytes(path, encode(body), type);
    }

    private byte[] encode(Object body) {
        try {
            return RecordJson.write(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode request: " + e.getMessage(), e);
        }
    }

    private <T> T postBytes(String path, byte[] bytes, TypeReference<T> type) {
        return send("POST", path, bytes, null, type);
    }

    /** One request: {@code body} null for a GET; {@code requestId}, when not null, names a stage request. */
    private <T> T send(String method, String path, byte[] body, String requestId, TypeReference<T> type) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", authorization);
        headers.put(ApiVersion.HEADER, Integer.toString(ApiVersion.CURRENT));
        headers.put(ApiVersion.RELEASE_HEADER, ApiVersion.release());
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        if (requestId != null) {
            headers.put(ApiPaths.REQUEST_ID, requestId);
        }
        HttpExchangeOnce.Answer answer;
        try {
            answer = HttpExchangeOnce.send(host, port, method, path, headers, body, CONNECT_TIMEOUT_MILLIS,
                    (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
        } catch (ConnectException e) {
            throw new ApiUnreachableException("nothing answers at " + base, e);
        } catch (SocketTimeoutException e) {
            throw new ApiUnreachableException("the scheduler at " + base + " did not answer within " + timeout.toSeconds() + "s", e);
        } catch (IOException e) {
            throw new ApiUnreachableException("lost the connection to " + base + ": " + e, e);
        }
        int serverApi = ApiVersion.parse(answer.apiVersion());
        if (serverApi != ApiVersion.CURRENT && answer.status() != 401 && !path.equals(ApiPaths.SHUTDOWN)) {
            // its answer may mean something else here (and a refusal of ours says the same in its own words)
            throw new ApiException(409, ApiVersion.mismatch(ApiVersion.release(), ApiVersion.CURRENT, answer.release(),
                    serverApi));
        }
        try {
            if (answer.status() != 200) {
                throw new ApiException(answer.status(), errorText(answer.body()));
            }
            return RecordJson.read(answer.body(), type.getType());
        } catch (IOException e) {
            throw new ApiException(answer.status(), "unreadable answer from the scheduler: " + e.getMessage());
        }
    }

    /** An error answer's body: {@code {"error": "..."}}. */
    private record ErrorBody(String error) {
    }

    private static String errorText(byte[] body) {
        try {
            ErrorBody e = RecordJson.read(body, ErrorBody.class);
            if (e != null && e.error() != null) {
                return e.error();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: show the raw text below
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
