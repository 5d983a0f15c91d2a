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
import java.nio.channels.ClosedByInterruptException;
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

    /** What {@link #followLog} hears besides the log itself. */
    public interface LogListener {
        /** The next piece of the log, in order. */
        void chunk(RunLogChunk chunk);

        /** The run as it stands, at the start and whenever its state changes. */
        default void run(RunView run) {
        }

        /** The scheduler is still there (an event or a ping arrived): a moment to say what the wait waits for. */
        default void alive() {
        }
    }

    /**
     * Follows run {@code id}'s log over the scheduler's event stream ({@code GET /api/events?topics=log=ID}) until the
     * run has ended and its log is read to the end; returns the ended run. Only the output of {@code only} (null:
     * every stream). A stream the scheduler ends (they last {@link EventStreams#LIFETIME_MILLIS}) is opened again from
     * the offset reached, as is, once, a connection lost while following; no byte is lost or repeated.
     */
    public RunView followLog(String id, LogStream only, LogListener listener) {
        long[] offset = {0};
        RunView[] ended = {null};
        while (ended[0] == null) {
            RETRY.call(SchedulerClient::waitRetry, RetryListener.SILENT, attempt -> events(
                    "log=" + enc(id) + "&offset=" + offset[0] + streamParam(only), Long.toString(offset[0]),
                    new EventStreamReader.Handler() {
                        @Override
                        public boolean event(String name, String eventId, String data) throws IOException {
                            listener.alive();
                            switch (name) {
                                case "log" -> {
                                    RunLogChunk chunk = RecordJson.read(data.getBytes(StandardCharsets.UTF_8), RunLogChunk.class);
                                    listener.chunk(chunk);
                                    offset[0] = chunk.nextOffset();
                                }
                                case "run" -> listener.run(RecordJson.read(data.getBytes(StandardCharsets.UTF_8), RunView.class));
                                case "end" -> {
                                    ended[0] = RecordJson.read(data.getBytes(StandardCharsets.UTF_8), RunView.class);
                                    return false;
                                }
                                default -> { } // an event this client does not know: a newer server's
                            }
                            return true;
                        }

                        @Override
                        public void alive() {
                            listener.alive();
                        }
                    }));
        }
        return ended[0];
    }

    /**
     * Waits over the scheduler's event stream ({@code topics=progress=IDS}) until all of {@code ids} have ended;
     * {@code onProgress} hears how many have at the start and whenever that changes, {@code alive} every event or ping.
     * Returns the last progress, with the outcomes. Reconnects as {@link #followLog} does.
     */
    public RunsProgress awaitRunsEnded(List<String> ids, java.util.function.Consumer<RunsProgress> onProgress,
                                       Runnable alive) {
        String topic = "progress=" + enc(RunIds.encode(ids));
        RunsProgress[] last = {null};
        while (last[0] == null || !last[0].done()) {
            RETRY.call(SchedulerClient::waitRetry, RetryListener.SILENT, attempt -> events(topic, null,
                    new EventStreamReader.Handler() {
                        @Override
                        public boolean event(String name, String eventId, String data) throws IOException {
                            alive.run();
                            if (name.equals("progress")) {
                                last[0] = RecordJson.read(data.getBytes(StandardCharsets.UTF_8), RunsProgress.class);
                                onProgress.accept(last[0]);
                                return !last[0].done();
                            }
                            return true;
                        }

                        @Override
                        public void alive() {
                            alive.run();
                        }
                    }));
        }
        return last[0];
    }

    /**
     * One event stream: {@code GET /api/events?topics=TOPICS} read until the handler stops or the scheduler ends the
     * stream. Failures as a plain request's: {@link ApiUnreachableException}, {@link ApiException}.
     */
    private boolean events(String topics, String lastEventId, EventStreamReader.Handler handler) {
        Map<String, String> headers = headers();
        headers.put("Accept", "text/event-stream");
        if (lastEventId != null) {
            headers.put("Last-Event-ID", lastEventId);
        }
        String path = ApiPaths.EVENTS + "?topics=" + topics;
        try {
            return HttpExchangeOnce.stream(host, port, path, headers, CONNECT_TIMEOUT_MILLIS, readTimeoutMillis(),
                    (head, body) -> {
                        if (head.status() != 200) {
                            throw check(new HttpExchangeOnce.Answer(head.status(), body.readAllBytes(), head.apiVersion(),
                                    head.release()), path);
                        }
                        checkVersion(head.apiVersion(), head.release(), head.status(), path);
                        return EventStreamReader.read(body, handler);
                    });
        } catch (IOException e) {
            throw unreachable(e);
        }
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
                    || e.getCause() instanceof InterruptedException
                    || e.getCause() instanceof ClosedByInterruptException);
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
        Map<String, String> headers = headers();
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        if (requestId != null) {
            headers.put(ApiPaths.REQUEST_ID, requestId);
        }
        HttpExchangeOnce.Answer answer;
        try {
            answer = HttpExchangeOnce.send(host, port, method, path, headers, body, CONNECT_TIMEOUT_MILLIS,
                    readTimeoutMillis());
        } catch (IOException e) {
            throw unreachable(e);
        }
        checkVersion(answer.apiVersion(), answer.release(), answer.status(), path);
        if (answer.status() != 200) {
            throw check(answer, path);
        }
        try {
            return RecordJson.read(answer.body(), type.getType());
        } catch (IOException e) {
            throw new ApiException(answer.status(), "unreadable answer from the scheduler: " + e.getMessage());
        }
    }

    private Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", authorization);
        headers.put(ApiVersion.HEADER, Integer.toString(ApiVersion.CURRENT));
        headers.put(ApiVersion.RELEASE_HEADER, ApiVersion.release());
        return headers;
    }

    private int readTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    }

    private ApiUnreachableException unreachable(IOException e) {
        if (e instanceof ConnectException) {
            return new ApiUnreachableException("nothing answers at " + base, e);
        }
        if (e instanceof SocketTimeoutException) {
            return new ApiUnreachableException("the scheduler at " + base + " did not answer within " + timeout.toSeconds() + "s", e);
        }
        if (e instanceof ClosedByInterruptException) {
            // the caller was interrupted (the CLI daemon's client went): the connection was closed on our side
            return new ApiUnreachableException("interrupted while talking to " + base, e);
        }
        return new ApiUnreachableException("lost the connection to " + base + ": " + e, e);
    }

    private static void checkVersion(String apiVersion, String release, int status, String path) {
        int serverApi = ApiVersion.parse(apiVersion);
        if (serverApi != ApiVersion.CURRENT && status != 401 && !path.equals(ApiPaths.SHUTDOWN)) {
            // its answer may mean something else here (and a refusal of ours says the same in its own words)
            throw new ApiException(409, ApiVersion.mismatch(ApiVersion.release(), ApiVersion.CURRENT, release, serverApi));
        }
    }

    /** The refusal an answer other than 200 is. */
    private ApiException check(HttpExchangeOnce.Answer answer, String path) {
        checkVersion(answer.apiVersion(), answer.release(), answer.status(), path);
        return new ApiException(answer.status(), errorText(answer.body()));
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
