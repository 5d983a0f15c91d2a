package io.hpcdask.launcher.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.launcher.cluster.ClusterSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * What this machine keeps of a cluster whose scheduler server runs on a login node ({@value #FILE} in the local
 * cluster directory): how to reach the login node, the exact host the server runs on (a round-robin alias may land
 * elsewhere next time), and where its files are there. It holds no secret: the token is read over SSH when needed.
 *
 * @param host the login node's own host name, as {@code hostname} printed it there
 * @param dir  the cluster directory on the login node ({@code ~/.hpc-dask/clusters/<clusterId>})
 * @param home the remote user's home directory, the default working directory of runs
 */
public record RemoteCluster(String name, String clusterId, String system, ClusterSpec.Ssh ssh, String host, String home,
                            String dir, long startedAt) {
    public static final String FILE = "remote.json";

    /** Made at the first use: every command that talks to a cluster looks for this file, and most find none. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    public static Optional<RemoteCluster> read(Path clusterDir) {
        Path file = clusterDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(file.toFile(), RemoteCluster.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (delete it to forget that remote cluster)", e);
        }
    }

    public void write(Path clusterDir) {
        Path file = clusterDir.resolve(FILE);
        Path tmp = clusterDir.resolve(FILE + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static void forget(Path clusterDir) throws IOException {
        Files.deleteIfExists(clusterDir.resolve(FILE));
    }

    public String accessFile() {
        return dir + "/access.json";
    }

    public String serverLog() {
        return dir + "/server.log";
    }

    /** Where this cluster's server runs, for messages: {@code hpcuser@login1}. */
    public String where() {
        String target = ssh.target();
        int at = target.indexOf('@');
        return (at >= 0 ? target.substring(0, at + 1) : "") + host;
    }
}
