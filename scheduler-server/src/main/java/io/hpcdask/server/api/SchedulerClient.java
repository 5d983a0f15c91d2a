package io.hpcdask.server.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The CLI's side of {@link ApiServer}: {@link SchedulerService} and {@link ClusterControl} over HTTP. Failures are
 * {@link ApiUnreachableException} when nothing answers and {@link ApiException} when the scheduler refuses.
 */
public final class SchedulerClient implements SchedulerService, ClusterControl {
    private final URI base;
    private final String authorization;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Duration timeout;

    public SchedulerClient(String host, int port, String token) {
        this(host, port, token, Duration.ofSeconds(60));
    }

    public SchedulerClient(String host, int port, String token, Duration timeout) {
        this.base = URI.create("http://" + host + ":" + port);
        this.authorization = "Bearer " + token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public StageResult stage(List<RunRequest> runs) {
        return stage(null, runs);
    }

    /** Stages runs; send the same {@code requestId} again after a lost answer to get the same runs, staged once. */
    @Override
    public StageResult stage(String requestId, List<RunRequest> runs) {
        HttpRequest.Builder request = withBody(request(ApiPaths.RUNS), runs);
        if (requestId != null) {
            request.header(ApiPaths.REQUEST_ID, requestId);
        }
        return send(request.build(), new TypeReference<StageResult>() {});
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
        for (int attempt = 1; ; attempt++) {
            try {
                return stage(requestId, runs);
            } catch (ApiUnreachableException e) {
                if (attempt >= attempts || e.getCause() instanceof ConnectException) {
                    throw e;
                }
                onRetry.accept(e);
                try {
                    Thread.sleep(pause.toMillis() * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public List<RunView> runs(String state) {
        String q = state == null ? "" : "?state=" + enc(state);
        return get(ApiPaths.RUNS + q, new TypeReference<List<RunView>>() {});
    }

    public RunView run(String id) {
        return get(ApiPaths.RUN + "?id=" + enc(id), new TypeReference<RunView>() {});
    }

    @Override
    public List<WorkerView> workers() {
        return get(ApiPaths.WORKERS, new TypeReference<List<WorkerView>>() {});
    }

    @Override
    public List<String> cancel(List<String> runIds) {
        return post(ApiPaths.CANCEL, runIds, new TypeReference<List<String>>() {});
    }

    /** The log file's path on the scheduler's host, which for a local cluster is this host. */
    @Override
    public Path runLog(String runId) {
        return Path.of(get(ApiPaths.RUN_LOG_PATH + "?id=" + enc(runId), new TypeReference<String>() {}));
    }

    public RunLogChunk readLog(String runId, long offset) {
        return get(ApiPaths.RUN_LOG + "?id=" + enc(runId) + "&offset=" + offset, new TypeReference<RunLogChunk>() {});
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
        return send(request(path).GET().build(), type);
    }

    private <T> T post(String path, Object body, TypeReference<T> type) {
        return send(withBody(request(path), body).build(), type);
    }

    private HttpRequest.Builder withBody(HttpRequest.Builder request, Object body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode request: " + e.getMessage(), e);
        }
        return request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Authorization", authorization);
    }

    private <T> T send(HttpRequest request, TypeReference<T> type) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new ApiUnreachableException("nothing answers at " + base, e);
        } catch (HttpTimeoutException e) {
            throw new ApiUnreachableException("the scheduler at " + base + " did not answer within " + timeout.toSeconds() + "s", e);
        } catch (IOException e) {
            throw new ApiUnreachableException("lost the connection to " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiUnreachableException("interrupted while talking to " + base, e);
        }
        try {
            if (response.statusCode() != 200) {
                throw new ApiException(response.statusCode(), errorText(response.body()));
            }
            return json.readValue(response.body(), type);
        } catch (IOException e) {
            throw new ApiException(response.statusCode(), "unreadable answer from the scheduler: " + e.getMessage());
        }
    }

    private String errorText(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.hasNonNull("error")) {
                return node.get("error").asText();
            }
        } catch (IOException ignored) {
            // not JSON: show the raw text below
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
