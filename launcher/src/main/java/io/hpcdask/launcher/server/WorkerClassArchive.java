package io.hpcdask.launcher.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class-data sharing archive local workers start from: the classes a worker loads, already parsed and laid out,
 * so a worker JVM starts sooner and holds less of its own memory. One archive per worker jar and JVM build (its name
 * holds both), kept in {@code $HPC_DASK_HOME/cache/}: the first worker started without one writes it when it exits
 * (Java 17's {@code -XX:ArchiveClassesAtExit}) under a name of its own, renamed into place only after a clean exit,
 * so a half-written archive is never used. A missing or mismatched archive only costs start-up time: the JVM then
 * starts without it. The JVM accepts an archive only for the same jar path and modification time, so workers run a
 * copy of the jar kept beside it, named by its content, which every cluster of this home shares.
 */
final class WorkerClassArchive {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerClassArchive.class);

    private final Path jar;
    private final Path file;
    private final Path dump;

    private WorkerClassArchive(Path jar, Path file, Path dump) {
        this.jar = jar;
        this.file = file;
        this.dump = dump;
    }

    /** The archive for {@code workerJar}; when the cache cannot be written, the jar as it is and no archive. */
    static WorkerClassArchive of(Path cacheDir, Path workerJar) {
        String jvm = (System.getProperty("java.vm.version") + "-" + System.getProperty("java.vm.vendor"))
                .replaceAll("[^A-Za-z0-9.+_-]", "_");
        String name = "hpc-dask-worker-" + sha256(workerJar).substring(0, 16);
        Path jar = cacheDir.resolve(name + ".jar");
        try {
            if (!Files.isRegularFile(jar)) {
                io.hpcdask.server.files.PrivateFiles.createDirectories(cacheDir);
                Path tmp = Files.createTempFile(cacheDir, name, ".tmp");
                Files.copy(workerJar, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.debug("No class archive for workers: cannot keep the worker jar in {}: {}", cacheDir, e.toString());
            return new WorkerClassArchive(workerJar, null, null);
        }
        Path file = cacheDir.resolve(name + "-" + jvm + ".jsa");
        return new WorkerClassArchive(jar, file, file.resolveSibling(file.getFileName() + ".dump-" + ProcessHandle.current().pid()));
    }

    /** The jar workers run: the shared copy the archive belongs to. */
    Path jar() {
        return jar;
    }

    Path file() {
        return file;
    }

    /** Options for a worker: use the archive when there is one, else let {@code dumper} write it at its exit. */
    List<String> options(boolean dumper) {
        if (file == null) {
            return List.of();
        }
        if (Files.isRegularFile(file)) {
            return List.of("-XX:SharedArchiveFile=" + file);
        }
        if (!dumper) {
            return List.of();
        }
        try {
            io.hpcdask.server.files.PrivateFiles.createDirectories(file.getParent());
            Files.deleteIfExists(dump);
        } catch (IOException e) {
            LOG.debug("No class archive for workers: cannot prepare {}: {}", file.getParent(), e.toString());
            return List.of();
        }
        return List.of("-XX:ArchiveClassesAtExit=" + dump);
    }

    /** After the workers exited: keeps the dump when the worker that wrote it ended cleanly, else drops it. */
    void workersEnded(boolean clean) {
        if (dump == null) {
            return;
        }
        try {
            if (clean && Files.isRegularFile(dump) && Files.size(dump) > 0) {
                // the JVM writes it read-only for all; everything under the home is its owner's alone
                Files.setPosixFilePermissions(dump, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                Files.move(dump, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                LOG.info("Local workers start from the class archive {} from now on", file);
            } else {
                Files.deleteIfExists(dump);
            }
        } catch (IOException e) {
            LOG.warn("Cannot keep the workers' class archive {}: {}", file, e.toString());
        }
    }

    private static String sha256(Path jar) {
        try (InputStream in = Files.newInputStream(jar)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            // no key, no archive: a name no archive has
            return "unreadable-jar-" + Long.toHexString(System.nanoTime());
        }
    }
}
