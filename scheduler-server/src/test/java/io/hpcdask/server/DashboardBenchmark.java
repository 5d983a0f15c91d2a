package io.hpcdask.server;

import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.api.SchedulerClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dashboard on a big cluster: a server (the child of {@link BigServerBenchmark}) with {@code runs} staged runs
 * and {@code workers} simulated workers joined over the real link. Prints the page's first contentful paint in
 * headless Chromium (Playwright, {@code launcher/src/test/browser/bench-first-paint.mjs}) and the server's CPU per
 * second (from /proc/PID/stat) with 0, 1 and 10 dashboards' event streams open ({@code topics=summary}), while nothing
 * changes and while runs are staged and cancelled all the time. Figures are printed, never asserted. Usage:
 * {@code scripts/bench-dashboard [runs=100000] [workers=1000] [seconds=10]}.
 */
public final class DashboardBenchmark {
    private DashboardBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        System.out.printf("Workload: %,d staged runs, %,d simulated workers over the real link; server: -XX:+UseSerialGC%n",
                runs, workers);
        BigServerBenchmark.Child child = BigServerBenchmark.Child.start(Files.createTempDirectory("dashboard-bench"));
        List<Socket> links = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread heartbeats = BigServerBenchmark.heartbeats(links);
        try {
            SchedulerClient client = new SchedulerClient("127.0.0.1", child.apiPort(), BigServerBenchmark.TOKEN,
                    Duration.ofMinutes(5));
            BigServerBenchmark.stage(client, runs);
            BigServerBenchmark.joinAll(client, child.workerPort(), workers, links);
            System.out.printf("Staged %,d runs, joined %,d workers%n", runs, workers);
            Thread.sleep(5_000); // dispatch of the first runs settles

            firstPaint(child.apiPort(), workers);

            System.out.printf("%nServer CPU while dashboards' streams are open (%d s each; CPU ms per second = %% of one core x 10)%n",
                    seconds);
            System.out.printf("%-34s %12s %14s %14s%n", "", "CPU ms/s", "messages/s", "KB/s sent");
            for (boolean churn : new boolean[] {false, true}) {
                for (int dashboards : new int[] {0, 1, 10}) {
                    measure(client, child, dashboards, churn, seconds);
                }
            }
        } finally {
            heartbeats.interrupt();
            for (Socket s : links) {
                s.close();
            }
            child.stop();
        }
    }

    private static void firstPaint(int apiPort, int workers) throws Exception {
        Path dir = Path.of("launcher", "src", "test", "browser");
        if (!Files.isDirectory(dir.resolve("node_modules/playwright-core")) || !Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            System.out.println("First paint: not measured: no Chromium or playwright-core (run scripts/provision-browser)");
            return;
        }
        ProcessBuilder pb = new ProcessBuilder("node", "bench-first-paint.mjs").directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(Map.of("DASHBOARD_URL", "http://127.0.0.1:" + apiPort + "/",
                "DASHBOARD_TOKEN", BigServerBenchmark.TOKEN, "DASHBOARD_WORKERS", Integer.toString(workers)));
        Process p = pb.start();
        List<Long> paints = new ArrayList<>();
        List<Long> shown = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("first-contentful-paint-ms ")) {
                    paints.add(Long.parseLong(line.substring(line.indexOf(' ') + 1)));
                } else if (line.startsWith("all-workers-shown-ms ")) {
                    shown.add(Long.parseLong(line.substring(line.indexOf(' ') + 1)));
                } else if (line.startsWith("FAIL")) {
                    System.out.println("First paint: " + line);
                }
            }
        }
        p.waitFor();
        System.out.printf("First contentful paint, headless Chromium, each of %d loads: %s ms%n", paints.size(), paints);
        System.out.printf("Every one of the %,d worker rows shown, each load:       %s ms%n", workers, shown);
    }

    private static void measure(SchedulerClient client, BigServerBenchmark.Child child, int dashboards, boolean churn,
                                int seconds) throws Exception {
        AtomicBoolean open = new AtomicBoolean(true);
        AtomicLong messages = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        List<Thread> streams = new ArrayList<>();
        for (int i = 0; i < dashboards; i++) {
            streams.add(stream(child.apiPort(), open, messages, bytes));
        }
        AtomicBoolean churning = new AtomicBoolean(churn);
        Thread changes = churn ? churn(client, churning) : null;
        Thread.sleep(2_000); // the streams' first, full messages
        long m0 = messages.get();
        long b0 = bytes.get();
        long cpu0 = cpuTicks(child.process().pid());
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long cpu1 = cpuTicks(child.process().pid());
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpuMsPerSecond = (cpu1 - cpu0) * 1000.0 / TICKS_PER_SECOND / elapsed;
        System.out.printf("%-34s %12.1f %14.1f %14.1f%n",
                (churn ? "runs changing, " : "nothing changing, ") + dashboards + " dashboard" + (dashboards == 1 ? "" : "s"),
                cpuMsPerSecond, (messages.get() - m0) / elapsed, (bytes.get() - b0) / 1024.0 / elapsed);
        open.set(false);
        churning.set(false);
        for (Thread t : streams) {
            t.interrupt();
            t.join(5_000);
        }
        if (changes != null) {
            changes.join(5_000);
        }
    }

    /** The clock ticks of /proc/PID/stat's times: 100 a second on Linux (USER_HZ). */
    private static final long TICKS_PER_SECOND = 100;

    /** User and system CPU of a process so far, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime and stime: fields 14 and 15 of the line
    }

    /** A dashboard's summary stream: read as a browser reads it, reconnecting when the server ends it. */
    private static Thread stream(int apiPort, AtomicBoolean open, AtomicLong messages, AtomicLong bytes) {
        Thread t = new Thread(() -> {
            while (open.get()) {
                HttpURLConnection c = null;
                try {
                    c = (HttpURLConnection) URI.create("http://127.0.0.1:" + apiPort + "/api/events?topics=summary").toURL()
                            .openConnection();
                    c.setRequestProperty("Authorization", "Bearer " + BigServerBenchmark.TOKEN);
                    c.setRequestProperty("Accept", "text/event-stream");
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; open.get() && (line = in.readLine()) != null; ) {
                            bytes.addAndGet(line.length() + 1);
                            if (line.startsWith("event:")) {
                                messages.incrementAndGet();
                            }
                        }
                    }
                } catch (IOException e) {
                    if (open.get()) {
                        System.out.println("a dashboard stream failed: " + e);
                        sleep(1_000);
                    }
                } finally {
                    if (c != null) {
                        c.disconnect();
                    }
                }
            }
        }, "dashboard-stream");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Stages 20 runs every 100 ms and cancels the oldest staged ones: counts and the queue change every period. */
    private static Thread churn(SchedulerClient client, AtomicBoolean churning) {
        Thread t = new Thread(() -> {
            List<String> mine = new ArrayList<>();
            while (churning.get()) {
                List<RunRequest> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    batch.add(new RunRequest(List.of("true"), false, "/tmp", Map.of(), List.of("dask:cores=1"), "churn"));
                }
                mine.addAll(client.stage(batch).ids());
                if (mine.size() > 100) {
                    client.cancel(new ArrayList<>(mine.subList(0, 20)));
                    mine.subList(0, 20).clear();
                }
                sleep(100);
            }
        }, "churn");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
