package io.hpcdask.launcher.cluster;

import io.hpcdask.launcher.server.ServerMain;
import io.hpcdask.server.files.PrivateFiles;
import io.hpcdask.server.api.RecordJson;
import io.hpcdask.server.api.SchedulerClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The access file: how a client reaches a running cluster. {@code token} is the client API's token, distinct from the
 * workers' token (which stays in {@code worker.token} and opens only the worker link, never the API). It is a
 * secret, so the file is written 0600 from the start (never readable by others, not even for an instant) and replaced
 * atomically.
 */
public record AccessInfo(String name, String host, int apiPort, int workerPort, String token, long pid, long startedAt) {
    public void write(Path file) {
        try {
            PrivateFiles.writeAtomically(file, RecordJson.write(this));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write access file " + file, e);
        }
    }

    public static Optional<AccessInfo> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            // read by every command that talks to a cluster: databind's first ObjectMapper costs more than the rest
            return Optional.ofNullable(RecordJson.read(Files.readAllBytes(file), AccessInfo.class));
        } catch (IOException e) {
            return Optional.empty(); // a half-written or foreign file: as if no cluster ran
        }
    }

    public SchedulerClient client() {
        return new SchedulerClient(host, apiPort, token);
    }

    /** Whether the server process still lives; a recycled pid running something else does not count. */
    public boolean processAlive() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(h -> commandLine(h).map(c -> c.contains(SERVER_MAIN)).orElse(true)).orElse(false);
    }

    /**
     * The whole command line: the JDK's cuts it at 4096 characters on Linux, before the main class when the class
     * path is long (as a test's is), so /proc is read where it exists.
     */
    private static java.util.Optional<String> commandLine(ProcessHandle h) {
        try {
            return java.util.Optional.of(new String(java.nio.file.Files.readAllBytes(
                    java.nio.file.Path.of("/proc", Long.toString(h.pid()), "cmdline")), java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException | RuntimeException e) {
            return h.info().commandLine();
        }
    }

    private static final String SERVER_MAIN = "io.hpcdask.launcher.server.ServerMain";

    /** The address workers dial. */
    public String workerAddress() {
        return host + ":" + workerPort;
    }

    @Override
    public String toString() { // never print the token
        return "AccessInfo[name=" + name + ", host=" + host + ", apiPort=" + apiPort + ", workerPort=" + workerPort
                + ", pid=" + pid + "]";
    }
}
