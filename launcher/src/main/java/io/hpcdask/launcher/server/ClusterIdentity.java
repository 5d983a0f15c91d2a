package io.hpcdask.launcher.server;

import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.server.files.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * What workers know the cluster by, kept for the cluster's life: the worker token ({@code worker.token}) and the port
 * workers dial ({@code worker.port}), both 0600 in the 0700 cluster directory. A server restarted after a crash
 * takes them over, so the workers still running find it and re-register instead of being refused.
 */
public final class ClusterIdentity {
    private ClusterIdentity() {
    }

    public static Path portFile(ClusterDir dir) {
        return dir.path().resolve("worker.port");
    }

    /** The cluster's token: the one kept in its token file, or a new one written there. */
    static String token(ClusterDir dir) {
        Path file = dir.workerTokenFile();
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (kept.matches("[0-9a-f]{64}")) {
                    Files.setPosixFilePermissions(file, PrivateFiles.FILE);
                    return kept;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read token file " + file, e);
        }
        String token = Tokens.newToken();
        Tokens.writeTokenFile(file, token);
        return token;
    }

    /** The port workers dialled under an earlier server of this cluster, if any. */
    static OptionalInt port(ClusterDir dir) {
        try {
            Path file = portFile(dir);
            if (!Files.isRegularFile(file)) {
                return OptionalInt.empty();
            }
            int port = Integer.parseInt(Files.readString(file, StandardCharsets.UTF_8).strip());
            return port > 0 && port < 65536 ? OptionalInt.of(port) : OptionalInt.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    static void savePort(ClusterDir dir, int port) {
        try {
            PrivateFiles.writeAtomically(portFile(dir), (port + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + portFile(dir), e);
        }
    }
}
