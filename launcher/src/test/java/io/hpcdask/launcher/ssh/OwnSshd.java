package io.hpcdask.launcher.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A second sshd of this test's own (same host keys and authorized_keys as the provisioned one, other options),
 * started in the foreground so that stopping it touches no other process.
 */
final class OwnSshd implements AutoCloseable {
    private final Process process;
    final int port;

    private OwnSshd(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static OwnSshd start(Path dir, String... options) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/sshd", "-D", "-e", "-f", "/etc/hpc-dask-test/sshd_config",
                "-p", String.valueOf(port), "-o", "ListenAddress=127.0.0.1", "-o", "PidFile=" + dir.resolve("sshd.pid")));
        for (String o : options) {
            cmd.add("-o");
            cmd.add(o);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("own sshd exited: " + Files.readString(dir.resolve("sshd.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new OwnSshd(p, port);
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("own sshd did not listen on " + port);
    }

    /** Kills the per-connection sshd processes, which drops every client connection as a network failure would. */
    int dropConnections() {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        return children.size();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
