package io.hpcdask.server.transport;

import io.hpcdask.protocol.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Prints how many runs of {@code true} one worker completes per second through the real link, next to a baseline of
 * the same JVM starting {@code true} itself one after the other. Run by hand:
 * {@code java -cp <scheduler-server test classpath> io.hpcdask.server.transport.WorkerThroughputBenchmark [runs]}.
 */
public final class WorkerThroughputBenchmark {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        double baseline = baselinePerSecond(Math.min(runs, 500));
        CountDownLatch done = new CountDownLatch(runs);
        RecordingListener listener = new RecordingListener() {
            @Override
            public void messageReceived(WorkerConnection c, Message m) {
                super.messageReceived(c, m);
                if (m instanceof Message.RunFinished) {
                    done.countDown();
                }
            }
        };
        Path dir = Files.createTempDirectory("hpc-dask-bench");
        Path token = Files.writeString(dir.resolve("token"), "bench");
        try (WorkerTransport t = new WorkerTransport("127.0.0.1", 0, "bench".getBytes(StandardCharsets.UTF_8), 1_000,
                listener).start();
             WorkerProcess w = WorkerProcess.start(WorkerProcess.command(token, "127.0.0.1", t.port(), "bench"), dir,
                     Map.of())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!listener.connections.containsKey("bench") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            WorkerConnection c = listener.connection("bench");
            long start = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                c.send(new Message.StartRun("b" + i, List.of("true"), false, null, Map.of(), Map.of(), List.of()));
            }
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException(done.getCount() + " runs did not finish");
            }
            double perSecond = runs / ((System.nanoTime() - start) / 1e9);
            System.out.printf("worker link: %d runs of true in one worker: %.0f runs/s%n", runs, perSecond);
            System.out.printf("baseline:    ProcessBuilder(true) one at a time in this JVM: %.0f runs/s%n", baseline);
            System.out.printf("ratio:       %.2f x the baseline%n", perSecond / baseline);
        }
    }

    private static double baselinePerSecond(int n) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            new ProcessBuilder("true").start().waitFor();
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }
}
