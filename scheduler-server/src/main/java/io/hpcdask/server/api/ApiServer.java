package io.hpcdask.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hpcdask.protocol.Printable;
import io.hpcdask.server.metrics.MetricsListener;
import io.hpcdask.server.metrics.ServerMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client API: {@link SchedulerService} and {@link ClusterControl} over HTTP with JSON, on 127.0.0.1 only.
 * Every request must carry {@code Authorization: Bearer <cluster token>} or the dashboard's session cookie (see
 * {@link DashboardAccess}: a one-time code from {@code POST /api/dashboard/login-code}, exchanged at
 * {@code GET /login?code=C}); anything else gets 401 before the request is looked at (its body is not read). Every
 * answer carries {@link SecurityHeaders}. A request must arrive within {@link #REQUEST_SECONDS} (headers and body) and
 * its body may hold at most {@link #MAX_BODY_BYTES} (413 beyond); malformed JSON gets 400 with the parser's reason.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** The largest request body accepted; a submission of 10,000 runs is about 2 MiB. */
    public static final long MAX_BODY_BYTES = 8L << 20;
    /**
     * How long a client may take to send one request, and to take one reply, before its connection is closed: a slow
     * or stalled client cannot hold one of the few handler threads for longer.
     */
    public static final long REQUEST_SECONDS = 20;
    /** How long {@link #close()} lets requests in flight (such as the shutdown request itself) finish their replies. */
    private static final long CLOSE_GRACE_MILLIS = 2_000;

    static {
        // the JDK's HTTP server reads these once, when its first server is created; a value already set wins
        setIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxRspTime", Long.toString(REQUEST_SECONDS));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
    private static final TypeReference<List<RunRequest>> RUN_REQUESTS = new TypeReference<>() {};
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final SchedulerService service;
    private final ClusterControl control;
    private final byte[] expectedAuthorization;
    private final DashboardAccess access;
    private final ObjectMapper json = new ObjectMapper();
    private final RunPageStream pageStream = new RunPageStream(json);
    private final HttpServer http;
    private final ExecutorService executor;
    private final Object flight = new Object();
    private int inFlight;
    /** Requests waiting to be told (long polls): they hold no thread, but each holds a connection. */
    private final java.util.Set<java.util.concurrent.CompletableFuture<?>> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Beyond this many waiting requests a new one gets 503: waits must not use up the connections of the API. */
    static final int MAX_WAITING = 512;
    private final int maxWaiting;
    private volatile boolean closing;
    private final EventStreams events;
    private volatile ServerMetrics metrics;
    private final DashboardAssets assets = new DashboardAssets();
    private final SummaryFeed summary;

    public ApiServer(SchedulerService service, ClusterControl control, byte[] token, int port) throws IOException {
        this(service, control, token, port, MAX_WAITING);
    }

    ApiServer(SchedulerService service, ClusterControl control, byte[] token, int port, int maxWaiting) throws IOException {
        this(service, control, token, port, maxWaiting, new DashboardAccess());
    }

    ApiServer(SchedulerService service, ClusterControl control, byte[] token, int port, int maxWaiting,
              DashboardAccess access) throws IOException {
        this(service, control, token, port, maxWaiting, access, EventStreams.Limits.DEFAULT);
    }

    ApiServer(SchedulerService service, ClusterControl control, byte[] token, int port, int maxWaiting,
              DashboardAccess access, EventStreams.Limits streamLimits) throws IOException {
        this.access = access;
        this.maxWaiting = maxWaiting;
        this.events = new EventStreams(json, streamLimits, this::done);
        events.register(RunsTopic.runs(service, events.timer()));
        events.register(RunsTopic.progress(service, events.timer()));
        events.register(new LogTopic(service));
        this.service = service;
        this.control = control;
        this.summary = new SummaryFeed(service::dashboard, control::scaling, json);
        events.register(new SummaryTopic(summary));
        this.expectedAuthorization = ("Bearer " + new String(token, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "api-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /** Serves {@code GET /metrics} (to holders of the credential, as every request here) from {@code metrics}. */
    public void serveMetrics(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    public void start() {
        http.start();
        LOG.info("Client API listening on 127.0.0.1:{}", port());
    }

    /** Requests waiting to be told, for tests. */
    int waitingCount() {
        return waiting.size();
    }

    /** The event streams ({@code GET /api/events}): where a topic is registered. */
    public EventStreams events() {
        return events;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /**
     * Stops answering: requests in flight (the shutdown request among them) get up to a couple of seconds to send
     * their replies, new ones get 503, then the listener and every connection close.
     */
    @Override
    public void close() {
        closing = true;
        ApiException stopping = new ApiException(503, "the scheduler is shutting down");
        waiting.forEach(f -> f.completeExceptionally(stopping));
        events.close();
        summary.close();
        long until = System.currentTimeMillis() + CLOSE_GRACE_MILLIS;
        synchronized (flight) {
            long left;
            while (inFlight > 0 && (left = until - System.currentTimeMillis()) > 0) {
                try {
                    flight.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        http.stop(0);
        executor.shutdownNow();
        events.stopWriters();
    }

    private void handle(HttpExchange ex) throws IOException {
        synchronized (flight) {
            inFlight++;
        }
        boolean later = false;
        try {
            SecurityHeaders.apply(ex.getResponseHeaders());
            if (!admitted(ex)) {
                return; // answered: refused, or a login
            }
            // only to a holder of the token: the versions say which bugs a server has
            ex.getResponseHeaders().set(ApiVersion.HEADER, Integer.toString(ApiVersion.CURRENT));
            ex.getResponseHeaders().set(ApiVersion.RELEASE_HEADER, ApiVersion.release());
            int clientApi = ApiVersion.parse(ex.getRequestHeaders().getFirst(ApiVersion.HEADER));
            if (clientApi != ApiVersion.CURRENT && !ex.getRequestURI().getPath().equals(ApiPaths.SHUTDOWN)
                    && !ex.getRequestURI().getPath().equals(ApiPaths.METRICS)) {
                // before the request is looked at: it may mean something else to this server
                ex.getResponseHeaders().set("Connection", "close");
                sendError(ex, 409, ApiVersion.mismatch(ex.getRequestHeaders().getFirst(ApiVersion.RELEASE_HEADER), clientApi,
                        ApiVersion.release(), ApiVersion.CURRENT));
                return;
            }
            if (closing) {
                ex.getResponseHeaders().set("Connection", "close");
                sendError(ex, 503, "the scheduler is shutting down");
                return;
            }
            later = route(ex);
        } catch (ApiException e) {
            sendError(ex, e.status(), e.getMessage());
        } catch (BodyTooLargeException e) {
            // an honest client still sending its body would lose the reply to a reset if the connection closed
            // now: read what is left, up to a bound (the request time bounds it too), then answer and close
            discardRest(ex.getRequestBody(), e.declared);
            ex.getResponseHeaders().set("Connection", "close");
            sendError(ex, 413, e.getMessage());
        } catch (JsonProcessingException e) {
            String reason = "malformed JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
            LOG.warn("API request {} {} refused: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    Printable.escape(reason, 300));
            sendError(ex, 400, reason);
        } catch (IllegalArgumentException e) {
            sendError(ex, 400, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("API request {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            sendError(ex, 500, e.toString());
        } finally {
            if (!later) {
                done(ex); // after the catch clauses, which still answer on this exchange
            }
        }
    }

    private void done(HttpExchange ex) {
        ex.close();
        synchronized (flight) {
            inFlight--;
            flight.notifyAll();
        }
    }

    /**
     * Answers {@code ex} when {@code answer} completes, on this server's threads; none is held meanwhile. Returns true:
     * the exchange is answered later.
     */
    private <T> boolean answerLater(HttpExchange ex, java.util.concurrent.CompletableFuture<T> answer,
                                    java.util.function.Function<T, Object> body) {
        waiting.add(answer);
        answer.whenComplete((value, failure) -> {
            Runnable reply = () -> {
                waiting.remove(answer);
                try {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                            ? c.getCause() : failure;
                    if (cause == null) {
                        sendJson(ex, body.apply(value));
                    } else if (cause instanceof ApiException e) {
                        sendError(ex, e.status(), e.getMessage());
                    } else {
                        LOG.warn("API request {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), cause);
                        sendError(ex, 500, cause.toString());
                    }
                } catch (ApiException e) {
                    sendErrorQuietly(ex, e.status(), e.getMessage());
                } catch (IOException | RuntimeException e) {
                    LOG.debug("API request {} {}: answer not sent: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(),
                            e.toString());
                    sendErrorQuietly(ex, 500, e.toString());
                } finally {
                    done(ex);
                }
            };
            try {
                executor.execute(reply);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                waiting.remove(answer);
                done(ex); // stopped: the connection closes unanswered
            }
        });
        return true;
    }

    private void sendErrorQuietly(HttpExchange ex, int status, String message) {
        try {
            sendError(ex, status, message);
        } catch (IOException | RuntimeException ignored) {
            // headers went out already, or the client left: nothing more can be said
        }
    }

    /** Refuses a wait beyond {@link #MAX_WAITING}; the client may ask again a little later. */
    private void admitWait() {
        if (waiting.size() >= maxWaiting) {
            throw new ApiException(503, "too many requests are waiting (" + maxWaiting + "); try again shortly");
        }
    }

    private static long waitMillis(Map<String, String> query) {
        String v = query.getOrDefault("wait", "0");
        try {
            long w = Long.parseLong(v);
            if (w < 0) {
                throw new NumberFormatException();
            }
            return Math.min(w, ApiPaths.MAX_WAIT_MILLIS);
        } catch (NumberFormatException e) {
            throw new ApiException(400, "wait must be a whole number of milliseconds >= 0, got '" + v + "'");
        }
    }

    /** {@code state=a,b}: runs in any of them; none: any state. */
    private static List<String> states(Map<String, String> query) {
        String v = query.get("state");
        return v == null || v.isBlank() ? List.of() : List.of(v.split(","));
    }

    private static int limit(Map<String, String> query) {
        String v = query.getOrDefault("limit", "0");
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiException(400, "limit must be a whole number >= 0 (0: no limit), got '" + v + "'");
        }
    }

    /**
     * The request body, refused with 413 when it declares or turns out to hold more than {@link #MAX_BODY_BYTES}.
     */
    private static InputStream body(HttpExchange ex) throws BodyTooLargeException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw new ApiException(400, "bad Content-Length");
            }
            if (n > MAX_BODY_BYTES) {
                throw new BodyTooLargeException(n);
            }
        }
        return new LimitedInputStream(ex.getRequestBody(), MAX_BODY_BYTES);
    }

    /** How much of a body over the limit is read and thrown away so that its sender sees the 413. */
    private static final long MAX_DISCARD_BYTES = 8 * MAX_BODY_BYTES;

    private static void discardRest(InputStream body, long declared) {
        if (declared > MAX_DISCARD_BYTES) {
            return; // not worth reading: close on it
        }
        byte[] buf = new byte[64 * 1024];
        long left = MAX_DISCARD_BYTES;
        try {
            for (int n; left > 0 && (n = body.read(buf, 0, (int) Math.min(buf.length, left))) > 0; ) {
                left -= n;
            }
        } catch (IOException e) {
            // the client went away or the request time ran out: nothing to answer
        }
    }

    /** A request body over the limit; an IOException so it passes through the JSON parser unchanged. */
    static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;
        /** The declared length, or -1 when none was declared. */
        final long declared;

        BodyTooLargeException(long size) {
            super("the request body " + (size < 0 ? "is larger" : "of " + size + " bytes is larger") + " than the limit of "
                    + MAX_BODY_BYTES + " bytes");
            this.declared = size;
        }
    }

    /** Reads at most {@code limit} bytes, then fails with {@link BodyTooLargeException} instead of reading more. */
    private static final class LimitedInputStream extends java.io.FilterInputStream {
        private long left;

        LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            // one byte beyond the limit tells a body at the limit from one over it
            int n = super.read(b, off, (int) Math.min(len, left + 1));
            if (n > 0) {
                left -= n;
                if (left < 0) {
                    throw new BodyTooLargeException(-1);
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return read(new byte[(int) Math.min(n, 8192)]);
        }
    }

    /**
     * Lets a request in when it carries the token, or the dashboard's session cookie (then a POST must also come from
     * the dashboard's own page, by its {@code Origin}); answers {@code GET /login} and every refusal itself. A refused
     * request's body is not read: it is answered and its connection closed.
     */
    private boolean admitted(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals(ApiPaths.LOGIN) && ex.getRequestMethod().equals("GET")) {
            login(ex);
            return false;
        }
        if (bearer(ex)) {
            return true;
        }
        boolean byCookie = access.validSession(sessionCookie(ex), System.currentTimeMillis());
        if (byCookie && path.equals(ApiPaths.DASHBOARD_LOGIN_CODE)) {
            refuse(ex, 401, "a login code is issued to a holder of the cluster token only");
        } else if (byCookie && !ex.getRequestMethod().equals("GET") && !sameOrigin(ex)) {
            refuse(ex, 403, "a change requested with the dashboard's cookie must come from the dashboard's own page (Origin)");
        } else if (byCookie) {
            return true;
        } else if (path.startsWith("/api/") || path.equals(ApiPaths.METRICS)) {
            refuse(ex, 401, "missing or wrong cluster token");
        } else {
            ex.getResponseHeaders().set("Connection", "close");
            sendText(ex, 401, "Not logged in to this hpc-dask dashboard. Run 'hpc-dask dashboard' (with --name N for"
                    + " another cluster) for a login link.\n");
        }
        return false;
    }

    private boolean bearer(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expectedAuthorization);
    }

    private String sessionCookie(HttpExchange ex) {
        return DashboardAccess.sessionFromCookies(ex.getRequestHeaders().get("Cookie"), access.cookieName());
    }

    /** The browser's {@code Origin} names this very server as the page's address bar saw it ({@code Host}). */
    private static boolean sameOrigin(HttpExchange ex) {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String host = ex.getRequestHeaders().getFirst("Host");
        return origin != null && host != null && origin.equals("http://" + host);
    }

    private void refuse(HttpExchange ex, int status, String message) throws IOException {
        ex.getResponseHeaders().set("Connection", "close");
        sendError(ex, status, message);
    }

    /**
     * {@code GET /login?code=C}: a valid code becomes a session cookie and a redirect to the dashboard; the code is
     * used up either way, and never logged (only paths are, never queries).
     */
    private void login(HttpExchange ex) throws IOException {
        String code = query(ex.getRequestURI().getRawQuery()).get("code");
        java.util.Optional<String> session = access.exchange(code, System.currentTimeMillis());
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if (session.isEmpty()) {
            ex.getResponseHeaders().set("Connection", "close");
            sendText(ex, 401, "This login link was used already or has expired (a link works once, within "
                    + access.codeMillis() / 1000 + " s). Run 'hpc-dask dashboard' for a new one.\n");
            return;
        }
        ex.getResponseHeaders().set("Set-Cookie", access.setCookie(session.get()));
        ex.getResponseHeaders().set("Location", "/");
        ex.sendResponseHeaders(303, -1);
    }

    private static void sendText(HttpExchange ex, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Answers the request; true when it is answered later, once what it waits for happens. */
    private boolean route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        if ((method.equals("GET") || method.equals("HEAD")) && DashboardAssets.owns(path)) {
            assets.send(ex, path);
            return false;
        }
        switch (method + " " + path) {
            case "POST " + ApiPaths.RUNS -> {
                List<RunRequest> runs = json.readValue(body(ex), RUN_REQUESTS);
                if (runs.stream().anyMatch(r -> r.requires() != null)) { // the server parses them from the tags
                    throw new IllegalArgumentException("a run's requirements come from its dask: tags, not 'requires'");
                }
                sendJson(ex, service.stage(ex.getRequestHeaders().getFirst(ApiPaths.REQUEST_ID), runs));
            }
            case "GET " + ApiPaths.RUNS -> pageStream.sendAll(ex, service, query.get("state"));
            case "GET " + ApiPaths.RUNS_PAGE -> {
                RunFilter filter = new RunFilter(states(query), query.get("label"), limit(query));
                if (RunPageStream.wanted(filter)) {
                    pageStream.send(ex, service, filter);
                } else {
                    sendJson(ex, service.runPage(filter));
                }
            }
            case "GET " + ApiPaths.RUNS_WAIT -> {
                admitWait();
                return answerLater(ex, service.awaitRuns(RunIds.decode(required(query, "ids")), waitMillis(query)),
                        progress -> progress);
            }
            case "GET " + ApiPaths.RUN_FOLLOW -> {
                String id = required(query, "id");
                long offset = offset(query);
                LogStream only = LogStream.ofView(query.get("stream"));
                admitWait();
                // the run before its log: a run seen ended has all its output in the file already
                return answerLater(ex, service.awaitRunNews(id, offset, waitMillis(query)),
                        news -> new RunFollow(service.run(id), readLog(logPath(id), offset, only)));
            }
            case "GET " + ApiPaths.SCALING_WAIT -> {
                long seen = offset(query, "version");
                admitWait();
                return answerLater(ex, service.awaitWorkers(seen, waitMillis(query)),
                        version -> new ScalingWait(version, control.scaling()));
            }
            case "GET " + ApiPaths.EVENTS -> {
                events.open(ex, query);
                return true;
            }
            case "GET " + ApiPaths.RUN -> sendJson(ex, service.run(required(query, "id")));
            case "GET " + ApiPaths.RUN_LOG -> sendJson(ex, readLog(logPath(required(query, "id")), offset(query),
                    LogStream.ofView(query.get("stream"))));
            case "GET " + ApiPaths.RUN_LOG_PATH -> sendJson(ex, logPath(required(query, "id")).toString());
            case "GET " + ApiPaths.WORKERS -> sendJson(ex, service.workers());
            case "POST " + ApiPaths.CANCEL -> sendJson(ex, service.cancel(json.readValue(body(ex), STRINGS)));
            case "POST " + ApiPaths.RETRY -> sendJson(ex, service.retry(json.readValue(body(ex), RetryRequest.class)));
            case "POST " + ApiPaths.CANCEL_SELECTED ->
                    sendJson(ex, service.cancel(json.readValue(body(ex), CancelSelection.class)));
            case "POST " + ApiPaths.DASHBOARD_LOGIN_CODE ->
                    sendJson(ex, new LoginCode(access.issueCode(System.currentTimeMillis()), access.codeMillis() / 1000));
            case "GET " + ApiPaths.STATUS -> sendJson(ex, control.status());
            case "POST " + ApiPaths.SCALE -> sendJson(ex, control.scale(json.readValue(body(ex), ScaleRequest.class)));
            case "POST " + ApiPaths.ADAPT -> sendJson(ex, control.adapt(json.readValue(body(ex), AdaptRequest.class)));
            case "GET " + ApiPaths.SCALING -> sendJson(ex, control.scaling());
            case "GET " + ApiPaths.METRICS -> {
                ServerMetrics m = metrics;
                if (m == null) {
                    throw new ApiException(404, "no metrics on this server");
                }
                MetricsListener.answer(ex, m);
            }
            case "GET " + ApiPaths.JOB_SCRIPT -> sendJson(ex, control.jobScript(query.get("profile")));
            case "POST " + ApiPaths.SHUTDOWN -> {
                // the reply says the shutdown has begun, so it goes after the call (which returns at once); the
                // shutdown's close() of this server waits for this reply to be sent
                control.shutdown();
                sendJson(ex, "shutting down");
            }
            default -> throw new ApiException(404, "no such API call: " + method + " " + path);
        }
        return false;
    }

    private Path logPath(String id) {
        Path p = service.runLog(id);
        if (p == null) {
            throw new ApiException(404, "no run with id " + id);
        }
        return p;
    }

    private static RunLogChunk readLog(Path file, long offset, LogStream only) {
        return RunLogReader.read(file, offset, only, ApiPaths.MAX_LOG_CHUNK);
    }

    private static long offset(Map<String, String> query) {
        return offset(query, "offset");
    }

    private static long offset(Map<String, String> query, String key) {
        String v = query.getOrDefault(key, "0");
        try {
            long o = Long.parseLong(v);
            if (o < 0) {
                throw new NumberFormatException();
            }
            return o;
        } catch (NumberFormatException e) {
            throw new ApiException(400, key + " must be a whole number >= 0, got '" + v + "'");
        }
    }

    private static String required(Map<String, String> query, String key) {
        String v = query.get(key);
        if (v == null || v.isEmpty()) {
            throw new ApiException(400, "missing query parameter '" + key + "'");
        }
        return v;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private void sendJson(HttpExchange ex, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void sendError(HttpExchange ex, int status, String message) throws IOException {
        byte[] bytes = json.writeValueAsBytes(Map.of("error", message == null ? "" : message));
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
