package io.hpcdask.worker;

import io.hpcdask.protocol.Message;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of spawn-helper.pl: one perl process per worker forks each run straight into its own session, so a
 * run costs one exec (its command), and one reader thread here carries every run's output and exit. Signals go to
 * a run's group through the helper's kill(2). Should the helper die, its runs are killed and reported abandoned, so
 * the scheduler re-stages them as it does the runs of a lost worker.
 */
final class SpawnHelper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpawnHelper.class);
    static final String DIED = "the worker's spawn helper died";
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;

    private final Process process;
    private final OutputStream commands;
    private final DataInputStream fromHelper;
    private final Map<Integer, HelperRun> runs = new ConcurrentHashMap<>();
    private final AtomicInteger tags = new AtomicInteger();
    private volatile boolean dead;

    private SpawnHelper(Process process) {
        this.process = process;
        this.commands = process.getOutputStream();
        this.fromHelper = new DataInputStream(new BufferedInputStream(process.getInputStream(), 64 * 1024));
    }

    /** Starts the helper with {@code perl} (a command and its first words, e.g. {@code [perl]}); throws when it cannot run. */
    static SpawnHelper start(List<String> perl) throws IOException {
        String script;
        try (InputStream in = SpawnHelper.class.getResourceAsStream("spawn-helper.pl")) {
            if (in == null) {
                throw new IOException("spawn-helper.pl is missing from the worker jar");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> command = new ArrayList<>(perl);
        command.addAll(List.of("-e", script, Long.toString(RunProcess.OUTPUT_DRAIN_MILLIS)));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        SpawnHelper helper = new SpawnHelper(p);
        // a helper that cannot run (a perl without POSIX, a broken one) exits before its hello
        try {
            helper.fromHelper.readInt();
            if (helper.fromHelper.readUnsignedByte() != 'H') {
                throw new IOException("it did not say hello");
            }
            helper.fromHelper.readInt();
        } catch (IOException e) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", perl) + " did not start the spawn helper (exit " + exit(p) + ")", e);
        }
        Thread reader = new Thread(helper::readEvents, "spawn-helper");
        reader.setDaemon(true);
        reader.start();
        return helper;
    }

    private static String exit(Process p) {
        try {
            return Integer.toString(p.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    long pid() {
        return process.pid();
    }

    boolean dead() {
        return dead;
    }

    /** Asks the helper to start the run; {@link RunProcess.Events#started} or {@code failedToStart} follows. */
    RunProcess start(Message.StartRun request, List<String> gpuIds, Path workDirectory, RunProcess.Events events)
            throws IOException {
        int tag = tags.incrementAndGet();
        HelperRun run = new HelperRun(this, tag, request, gpuIds, events);
        List<String> fields = new ArrayList<>();
        fields.add(Integer.toString(tag));
        fields.add(JdkRunProcess.cwd(request, workDirectory).toString());
        Map<String, String> env = JdkRunProcess.extraEnv(request, gpuIds);
        fields.add(Integer.toString(env.size()));
        env.forEach((k, v) -> fields.add(k + "=" + v));
        fields.addAll(JdkRunProcess.argv(request));
        for (String f : fields) {
            if (f.indexOf('\0') >= 0) {
                throw new IOException("the run's command, directory or environment holds a NUL character");
            }
        }
        runs.put(tag, run);
        try {
            send('S', fields.toArray(String[]::new));
        } catch (IOException e) {
            runs.remove(tag);
            throw new IOException("the spawn helper is gone: " + e.getMessage(), e);
        }
        return run;
    }

    void signal(int tag, String signal) {
        int number = "KILL".equals(signal) ? SIGKILL : SIGTERM;
        try {
            send('K', Integer.toString(tag), Integer.toString(number));
        } catch (IOException e) {
            LOG.debug("Cannot reach the spawn helper to signal run {}: {}", tag, e.toString());
        }
    }

    private void send(char type, String... fields) throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream(256);
        payload.write(type);
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                payload.write(0);
            }
            payload.writeBytes(fields[i].getBytes(StandardCharsets.UTF_8));
        }
        int n = payload.size();
        byte[] frame = new byte[4 + n];
        frame[0] = (byte) (n >>> 24);
        frame[1] = (byte) (n >>> 16);
        frame[2] = (byte) (n >>> 8);
        frame[3] = (byte) n;
        System.arraycopy(payload.toByteArray(), 0, frame, 4, n);
        synchronized (commands) {
            commands.write(frame);
            commands.flush();
        }
    }

    private void readEvents() {
        try (DataInputStream in = fromHelper) {
            while (true) {
                int length = in.readInt();
                int type = in.readUnsignedByte();
                int tag = in.readInt();
                byte[] data = new byte[length - 5];
                in.readFully(data);
                HelperRun run = runs.get(tag);
                if (run == null) {
                    continue;
                }
                switch (type) {
                    case 'P' -> {
                        run.pid = ((data[0] & 0xffL) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff);
                        run.events.started(run);
                    }
                    case 'E' -> {
                        runs.remove(tag);
                        run.ended = true;
                        run.events.failedToStart(run, new String(data, StandardCharsets.UTF_8));
                    }
                    case 'O' -> run.events.output(run.runId(), run.attempt(), data[0] == 1 ? "stdout" : "stderr",
                            java.util.Arrays.copyOfRange(data, 1, data.length));
                    case 'X' -> {
                        runs.remove(tag);
                        run.ended = true;
                        run.events.finished(run, run.result(exitCode(
                                ((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff))));
                    }
                    default -> throw new IOException("unknown frame type " + type + " from the spawn helper");
                }
            }
        } catch (EOFException e) {
            // the helper is gone
        } catch (IOException e) {
            LOG.warn("Lost the spawn helper's events: {}", e.toString());
        }
        helperGone();
    }

    /** A wait status as Java reports a process's exit: its code, or 128+N when signal N killed it. */
    static int exitCode(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    private void helperGone() {
        dead = true;
        if (runs.isEmpty()) {
            return;
        }
        LOG.error("The spawn helper (pid {}) died; killing its {} run(s), which the scheduler re-stages", process.pid(),
                runs.size());
        for (HelperRun run : new ArrayList<>(runs.values())) {
            runs.remove(run.tag);
            run.ended = true;
            if (run.pid > 1) {
                ProcessGroups.signal(run.pid, "KILL"); // no helper left to send it
            }
            run.events.finished(run, new Message.RunFinished(run.runId(), -1, true, DIED, run.attempt(), true));
        }
    }

    /** Closing the helper's input makes it kill every run's group and exit. */
    @Override
    public void close() {
        try {
            commands.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class HelperRun extends RunProcess {
        private final SpawnHelper helper;
        private final int tag;
        private final Events events;
        private volatile long pid;
        private volatile boolean ended;

        HelperRun(SpawnHelper helper, int tag, Message.StartRun request, List<String> gpuIds, Events events) {
            super(request, gpuIds);
            this.helper = helper;
            this.tag = tag;
            this.events = events;
        }

        @Override
        long pid() {
            return pid;
        }

        @Override
        void signal(String signal) {
            if (!ended) {
                helper.signal(tag, signal);
            }
        }

        @Override
        boolean isAlive() {
            return !ended;
        }
    }
}
