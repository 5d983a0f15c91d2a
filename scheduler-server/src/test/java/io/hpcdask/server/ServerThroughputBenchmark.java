package io.hpcdask.server;

import io.hpcdask.protocol.Message;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.ids.WorkerId;
import io.hpcdask.server.loop.RecordingConnection;
import io.hpcdask.server.transport.WorkerConnection;
import io.hpcdask.server.transport.WorkerListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs per second through the loop and the durable store (no processes, no sockets): in-memory workers finish each
 * run as soon as they get it, from their own thread as a transport would. Compared in the same run with the store
 * committing every change alone instead of in groups. Usage: {@code scripts/bench-server [runs] [workers] [slots]
 * [grouped-only]}.
 */
public final class ServerThroughputBenchmark {
    private ServerThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int slots = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        System.out.printf("Workload: %,d runs on %d in-memory workers with %d slots, SQLite synchronous=FULL%n", runs,
                workers, slots);
        measure(runs / 5, workers, slots, io.hpcdask.server.store.RunStore.DEFAULT_MAX_BATCH, null); // warm up
        double grouped = measure(runs, workers, slots, io.hpcdask.server.store.RunStore.DEFAULT_MAX_BATCH,
                "Group commit");
        if (args.length > 3 && args[3].equals("grouped-only")) { // for comparing builds, where the baseline is the other build
            return;
        }
        double single = measure(runs, workers, slots, 1, "Commit per change");
        System.out.printf("Ratio: group commit completes %.1fx the runs per second%n", grouped / single);
    }

    /** A worker that reports every run it is given as started and completed, from its own thread. */
    private static final class InstantWorker implements WorkerConnection {
        private final String name;
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private WorkerListener listener;

        InstantWorker(String name) {
            this.name = name;
        }

        @Override
        public WorkerId workerName() {
            return WorkerId.of(name);
        }

        @Override
        public String remoteAddress() {
            return "memory";
        }

        @Override
        public void send(Message message) {
            if (message instanceof Message.StartRun s) {
                thread.execute(() -> {
                    listener.messageReceived(this, new Message.RunStarted(s.runId(), 1));
                    listener.messageReceived(this, new Message.RunFinished(s.runId(), 0, false, null));
                });
            }
        }

        @Override
        public void close(String reason) {
            thread.shutdown();
        }
    }

    private static double measure(int runs, int workers, int slots, int storeBatch, String label) throws Exception {
        Path dir = Files.createTempDirectory("hpc-dask-bench");
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                SchedulerServer.LOGGER);
        log.setLevel(ch.qos.logback.classic.Level.WARN); // the per-run lines would measure the console, not us
        ServerConfig config = ServerConfig.defaults(dir, Map.of());
        List<InstantWorker> connections = new ArrayList<>();
        try (SchedulerServer server = SchedulerServer.start(config, System::currentTimeMillis, storeBatch)) {
            for (int i = 0; i < workers; i++) {
                InstantWorker w = new InstantWorker("w" + i);
                w.listener = server.workerListener();
                connections.add(w);
                server.workerListener().workerConnected(w, RecordingConnection.hello(w.name, slots, Map.of(), List.of()));
            }
            StatusWaits.awaitWorkers(server, workers, java.time.Duration.ofSeconds(30));
            List<RunRequest> requests = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                requests.add(new RunRequest(List.of("true"), false, "/tmp", Map.of(), List.of(), null));
            }
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            server.stage(requests);
            while (server.status().finished() < runs) {
                Thread.sleep(2);
            }
            int completed = server.runs("completed").size(); // flushes: every change is on disk
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuMillisPerRun = (os.getProcessCpuTime() - cpu0) / 1e6 / runs;
            if (completed != runs) {
                throw new IllegalStateException(completed + " of " + runs + " runs recorded as completed");
            }
            double rate = runs / seconds;
            if (label != null) {
                System.out.printf("%-18s %,d runs staged, run and durably completed in %.2f s = %,.0f runs/s;"
                        + " process CPU %.3f ms per run (in-memory workers included)%n", label + ":", runs, seconds, rate,
                        cpuMillisPerRun);
            }
            return rate;
        } finally {
            connections.forEach(c -> c.close("done"));
        }
    }
}
