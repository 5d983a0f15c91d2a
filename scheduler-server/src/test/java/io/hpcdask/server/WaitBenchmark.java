package io.hpcdask.server;

import io.hpcdask.protocol.Message;
import io.hpcdask.server.api.ApiServer;
import io.hpcdask.server.api.ClusterControl;
import io.hpcdask.server.api.ClusterStatus;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.api.RunView;
import io.hpcdask.server.api.RunsProgress;
import io.hpcdask.server.api.SchedulerClient;
import io.hpcdask.server.loop.RecordingConnection;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * What a client waiting for runs costs the server, and how soon it hears they ended: the long poll of
 * {@code submit run --wait} next to the polling it replaced (the whole runs table every 200 ms or more, with a store
 * flush each time), measured in the same command on the same server. N runs start on an in-memory worker, stay running
 * for the idle phase while the client waits, then all end at once; the end counts from when the scheduler's loop has
 * taken in the last ending. Server CPU is the CPU time of the server's own
 * threads (API, loop, store, waits). Usage: {@code scripts/bench-wait [runs=2000] [idle seconds=5]}.
 */
public final class WaitBenchmark {
    private static final String TOKEN = "bench-token-0123456789abcdef";
    private static final List<String> SERVER_THREADS = List.of("api-http", "HTTP-Dispatcher", "hpc-dask-scheduler",
            "hpc-dask-store-writer", "hpc-dask-api-waits");

    private WaitBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int idle = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf("Workload: a client waits for %,d running runs for %d s, then they all end%n", runs, idle);
        measure(runs / 4, 1, false, null); // warm up both
        measure(runs / 4, 1, true, null);
        double[] polling = measure(runs, idle, false, "polling (before)");
        double[] longPoll = measure(runs, idle, true, "long poll (now)");
        System.out.printf("Ratio: waiting costs the server %.0fx less CPU; the end is noticed %.1fx sooner%n",
                polling[0] / Math.max(longPoll[0], 0.001), polling[1] / Math.max(longPoll[1], 0.001));
    }

    /** Returns server CPU ms per second of waiting, and ms from the last run's end to the client returning. */
    private static double[] measure(int runs, int idleSeconds, boolean longPoll, String label) throws Exception {
        Path dir = Files.createTempDirectory("waitbench");
        try (SchedulerServer server = SchedulerServer.start(ServerConfig.defaults(dir, Map.of()))) {
            ApiServer api = new ApiServer(server, new ClusterControl() {
                @Override
                public ClusterStatus status() {
                    return null;
                }

                @Override
                public void shutdown() {
                }
            }, TOKEN.getBytes(StandardCharsets.UTF_8), 0);
            api.start();
            try {
                SchedulerClient client = new SchedulerClient("127.0.0.1", api.port(), TOKEN);
                RecordingConnection worker = new RecordingConnection("w1");
                server.workerListener().workerConnected(worker, RecordingConnection.hello("w1", runs, Map.of(), List.of()));
                List<String> ids = client.stage(IntStream.range(0, runs).mapToObj(i -> new RunRequest(List.of("true"),
                        false, "/tmp", Map.of(), List.of(), null)).toList()).ids();
                while (worker.startedRunIds().size() < runs) {
                    Thread.sleep(10);
                }
                long[] returned = new long[1];
                Thread waiter = new Thread(() -> {
                    if (longPoll) {
                        awaitByLongPoll(client, ids);
                    } else {
                        awaitByPolling(client, ids);
                    }
                    returned[0] = System.nanoTime();
                });
                waiter.start();
                Thread.sleep(500); // the wait has begun
                long cpu0 = serverCpuNanos();
                Thread.sleep(idleSeconds * 1000L);
                double cpuPerSecond = (serverCpuNanos() - cpu0) / 1e6 / idleSeconds;
                for (String id : ids) {
                    server.workerListener().messageReceived(worker, new Message.RunFinished(id, 0, false, null));
                }
                server.status(); // answered by the loop after it has taken in every ending
                long ended = System.nanoTime();
                waiter.join();
                double noticeMillis = Math.max(0, (returned[0] - ended) / 1e6);
                if (label != null) {
                    System.out.printf("%-18s server CPU while waiting %7.1f ms/s   end noticed after %7.1f ms%n", label,
                            cpuPerSecond, noticeMillis);
                }
                return new double[] {cpuPerSecond, noticeMillis};
            } finally {
                api.close();
            }
        }
    }

    private static void awaitByLongPoll(SchedulerClient client, List<String> ids) {
        Duration wait = Duration.ZERO;
        while (!client.waitForRuns(ids, wait).done()) {
            wait = Duration.ofSeconds(1);
        }
    }

    /** The waiting of {@code submit run --wait} before this change, call for call. */
    private static void awaitByPolling(SchedulerClient client, List<String> ids) {
        Set<String> wanted = new HashSet<>(ids);
        while (true) {
            long start = System.nanoTime();
            long done = client.runs(null).stream().filter(r -> wanted.contains(r.id()))
                    .filter(r -> !r.state().equals("staged") && !r.state().equals("running")).count();
            long pollMillis = (System.nanoTime() - start) / 1_000_000;
            if (done == ids.size()) {
                return;
            }
            try {
                Thread.sleep(Math.min(2_000, Math.max(200, 5 * pollMillis)));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static long serverCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (SERVER_THREADS.stream().anyMatch(n -> t.getName().startsWith(n))) {
                long c = mx.getThreadCpuTime(t.getId());
                if (c > 0) {
                    sum += c;
                }
            }
        }
        return sum;
    }
}
