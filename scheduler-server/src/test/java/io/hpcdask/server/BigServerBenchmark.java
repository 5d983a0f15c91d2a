package io.hpcdask.server;

import io.hpcdask.protocol.FrameCipher;
import io.hpcdask.protocol.LinkAuth;
import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.WireCodec;
import io.hpcdask.server.api.ApiServer;
import io.hpcdask.server.api.ClusterControl;
import io.hpcdask.server.api.ClusterStatus;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.api.SchedulerClient;
import io.hpcdask.server.transport.WorkerTransport;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A big cluster's server: its RSS with {@code runs} staged through the API and {@code workers} simulated workers
 * joined over the real link (authenticated, encrypted), next to the same server empty, measured in the same command;
 * and how long the API takes to answer {@code runs --limit 50} there, next to {@code java -version} and to listing
 * every run. The server is a child process started as {@code cluster up} starts one ({@code -XX:+UseSerialGC}, no
 * heap limit). Usage: {@code scripts/bench-bigserver [runs=100000] [workers=1000]}.
 */
public final class BigServerBenchmark {
    static final String TOKEN = "bench-token-0123456789abcdef";
    private static final long HEARTBEAT_MILLIS = 5_000;

    private BigServerBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("serve")) {
            serve(Path.of(args[1]));
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        System.out.printf("Workload: %,d staged runs, %,d simulated workers over the real link; server: -XX:+UseSerialGC%n",
                runs, workers);
        double javaVersion = p50(5, BigServerBenchmark::javaVersionMillis);
        System.out.printf("java -version wall time, p50 of 5:            %8.1f ms%n", javaVersion);

        Child child = Child.start(Files.createTempDirectory("bigserver"));
        Process server = child.process();
        try {
            int apiPort = child.apiPort();
            int workerPort = child.workerPort();
            SchedulerClient client = new SchedulerClient("127.0.0.1", apiPort, TOKEN, Duration.ofMinutes(5));
            Thread.sleep(2_000);
            long emptyRss = rssKb(server.pid());
            double emptyPage = p50(10, () -> timed(() -> client.runPage(null, 50)));
            double emptyStatus = p50(10, () -> timed(client::status));

            long t0 = System.nanoTime();
            stage(client, runs);
            System.out.printf("Staged %,d runs through the API in %.1f s%n", runs, (System.nanoTime() - t0) / 1e9);
            List<Socket> links = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread heartbeats = heartbeats(links); // from the first join: a worker silent for 3 periods is dropped
            t0 = System.nanoTime();
            joinAll(client, workerPort, workers, links);
            System.out.printf("Joined %,d workers in %.1f s%n", workers, (System.nanoTime() - t0) / 1e9);
            Thread.sleep(5_000); // dispatch of the first runs settles
            long fullRss = rssKb(server.pid());
            double page = p50(10, () -> timed(() -> client.runPage(null, 50)));
            double stagedPage = p50(10, () -> timed(() -> client.runPage("staged", 50)));
            double status = p50(10, () -> timed(client::status));
            long pagedRss = rssKb(server.pid());
            double everyPage = p50(3, () -> timed(() -> client.runPage(null, 0)));
            long everyPageRss = rssKb(server.pid());
            double whole = p50(3, () -> timed(() -> client.runs(null)));
            long wholeRss = rssKb(server.pid());

            System.out.printf("%-46s %10s %10s%n", "", "empty", "loaded");
            System.out.printf("%-46s %10.0f %10.0f%n", "server RSS, MB", emptyRss / 1024.0, fullRss / 1024.0);
            System.out.printf("%-46s %10s %10.0f%n", "server RSS after the paged requests, MB", "", pagedRss / 1024.0);
            System.out.printf("%-46s %10.1f %10.1f%n", "GET runs?limit=50, p50 of 10, ms", emptyPage, page);
            System.out.printf("%-46s %10s %10.1f%n", "GET runs?limit=50&state=staged, p50 of 10, ms", "", stagedPage);
            System.out.printf("%-46s %10.1f %10.1f%n", "GET status (a round trip), p50 of 10, ms", emptyStatus, status);
            System.out.printf("%-46s %10s %10.1f%n", "GET runs?limit=0 (every run, in slices), p50 of 3, ms", "", everyPage);
            System.out.printf("%-46s %10s %10.0f%n", "server RSS after it, MB", "", everyPageRss / 1024.0);
            System.out.printf("%-46s %10s %10.1f%n", "GET /api/runs (every run, in slices), p50 of 3, ms", "", whole);
            System.out.printf("%-46s %10s %10.0f%n", "server RSS after it, MB", "", wholeRss / 1024.0);
            System.out.printf("Ratio: runs --limit 50 answers in %.2fx java -version's wall time; RSS %s 1 GB%n",
                    page / javaVersion, Math.max(Math.max(fullRss, pagedRss), Math.max(everyPageRss, wholeRss)) <= 1024 * 1024 ? "within" : "OVER");
            heartbeats.interrupt();
            for (Socket s : links) {
                s.close();
            }
        } finally {
            child.stop();
        }
    }

    /** The server child, ready: its process and ports; its stdout is drained. */
    record Child(Process process, int apiPort, int workerPort) {
        static Child start(Path dir) throws IOException {
            Process server = new ProcessBuilder(javaCommand(dir)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
                // the server's own log lines
            }
            if (line == null) {
                throw new IllegalStateException("the server exited before it was ready");
            }
            String[] ready = line.split(" ");
            Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "server-stdout");
            drain.setDaemon(true);
            drain.start();
            return new Child(server, Integer.parseInt(ready[1]), Integer.parseInt(ready[2]));
        }

        /** Ends the child: it stops when its stdin ends. */
        void stop() throws IOException, InterruptedException {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Stages {@code runs} runs through the API, 10,000 a request. */
    static void stage(SchedulerClient client, int runs) {
        for (int from = 0; from < runs; from += 10_000) {
            client.stage(requests(from, Math.min(runs, from + 10_000)));
        }
    }

    /**
     * Joins {@code workers} simulated workers into {@code links} (whose heartbeats must already be running), a few at
     * a time as workers of a job array start, so the round trips overlap; returns once the server counts them all.
     */
    static void joinAll(SchedulerClient client, int workerPort, int workers, List<Socket> links) throws Exception {
        java.util.concurrent.ExecutorService joiners = java.util.concurrent.Executors.newFixedThreadPool(16);
        List<java.util.concurrent.Future<Socket>> joins = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            String name = "sim-" + i;
            joins.add(joiners.submit(() -> join(workerPort, name)));
        }
        for (java.util.concurrent.Future<Socket> j : joins) {
            links.add(j.get());
        }
        joiners.shutdown();
        while (client.status().workers() < workers) {
            Thread.sleep(100);
        }
    }

    private static List<String> javaCommand(Path dir) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC"));
        String extra = System.getenv("BENCH_SERVER_JAVA_OPTS"); // e.g. a flight recording
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(Arrays.asList(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BigServerBenchmark.class.getName(), "serve",
                dir.toString()));
        return cmd;
    }

    /** The child: a scheduler with its worker link and API, until its stdin ends. */
    private static void serve(Path dir) throws Exception {
        byte[] token = TOKEN.getBytes(StandardCharsets.UTF_8);
        SchedulerServer scheduler = SchedulerServer.start(ServerConfig.defaults(dir, Map.of()));
        WorkerTransport transport = new WorkerTransport("127.0.0.1", 0, token, HEARTBEAT_MILLIS, 10_000, 10_000, 10_000,
                scheduler.workerListener()).start();
        ApiServer api = new ApiServer(scheduler, new ClusterControl() {
            @Override
            public ClusterStatus status() {
                ServerStatus s = scheduler.status();
                return new ClusterStatus("bench", "127.0.0.1", 0, transport.port(), ProcessHandle.current().pid(), 0,
                        s.workers(), Map.of(), "", s.finished(), s.nothingToDo(), "", "", null);
            }

            @Override
            public void shutdown() {
            }
        }, token, 0);
        api.start();
        System.out.println("READY " + api.port() + " " + transport.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the benchmark closes our stdin
        }
        api.close();
        transport.close();
        scheduler.close();
    }

    /** Runs as an array sweep stages them: a command with its index, a working directory, a few variables and a tag. */
    private static List<RunRequest> requests(int from, int to) {
        List<RunRequest> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            out.add(new RunRequest(List.of("python3", "train.py", "--config", "configs/sweep.yaml"), false,
                    "/home/user/project/experiments", Map.of("HPC_DASK_ARRAY_INDEX", Integer.toString(i + 1),
                    "OMP_NUM_THREADS", "1", "PYTHONUNBUFFERED", "1"), List.of("dask:cores=1"), "sweep"));
        }
        return out;
    }

    /** A worker as the real one joins: handshake, encrypted Hello with one slot; it then only sends heartbeats. */
    private static Socket join(int port, String name) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        byte[] key = TOKEN.getBytes(StandardCharsets.UTF_8);
        byte[] nonce = LinkAuth.newNonce();
        write(out, WireCodec.encode(new Message.AuthStart(Message.VERSION, nonce)));
        Message.AuthChallenge c = (Message.AuthChallenge) WireCodec.decode(read(in));
        write(out, WireCodec.encode(new Message.AuthProof(LinkAuth.proof(key, LinkAuth.Role.WORKER, c.nonce(), nonce))));
        read(in); // the scheduler's proof
        LinkAuth.Keys keys = LinkAuth.keys(key, c.nonce(), nonce);
        FrameCipher sealer = new FrameCipher(keys.workerToScheduler());
        write(out, sealer.seal(WireCodec.encode(new Message.Hello(Message.VERSION, name, "node-" + name, null,
                Map.of("cores", 1L), 1, List.of(), 0, List.of()))));
        read(in); // Welcome
        sockets.put(s, sealer);
        return s;
    }

    private static final Map<Socket, FrameCipher> sockets = new java.util.concurrent.ConcurrentHashMap<>();

    /** Every worker says it is alive well within three heartbeat periods; what the server sends is left unread. */
    static Thread heartbeats(List<Socket> links) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    for (Socket s : links) {
                        write(new DataOutputStream(s.getOutputStream()),
                                sockets.get(s).seal(WireCodec.encode(new Message.Heartbeat(System.currentTimeMillis()))));
                    }
                    Thread.sleep(HEARTBEAT_MILLIS / 2);
                }
            } catch (InterruptedException | IOException e) {
                // the benchmark is over
            }
        }, "heartbeats");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void write(DataOutputStream out, byte[] frame) throws IOException {
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
    }

    private static byte[] read(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    private static double javaVersionMillis() {
        try {
            long t = System.nanoTime();
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
            return (System.nanoTime() - t) / 1e6;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double timed(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e6;
    }

    private static double p50(int n, Supplier<Double> sample) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = sample.get();
        }
        Arrays.sort(v);
        return v[n / 2];
    }
}
