package io.hpcdask.launcher.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The worker jar local workers run: shipped inside the launcher jar, extracted once per cluster. Tests run from
 * classes, where the resource may be missing; they fall back to the jar the worker-bootstrap build leaves in the repo.
 */
public final class WorkerJar {
    public static final String RESOURCE = "/io/hpcdask/worker-dist/hpc-dask-worker.jar";
    static final String FILE_NAME = "hpc-dask-worker.jar";

    private WorkerJar() {
    }

    public static Path locate(Path libDir) {
        Optional<Path> extracted = extract(libDir);
        if (extracted.isPresent()) {
            return extracted.get();
        }
        String root = System.getProperty("hpcdask.repo.root");
        if (root != null) {
            Path built = Path.of(root, "worker-bootstrap", "target", "dist", FILE_NAME);
            if (Files.isRegularFile(built)) {
                return built;
            }
        }
        throw new IllegalStateException("the worker jar is missing: not inside the launcher (" + RESOURCE
                + ") and not at worker-bootstrap/target/dist; build with 'mvn -B package -DskipTests'");
    }

    private static Optional<Path> extract(Path libDir) {
        try (InputStream in = WorkerJar.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            Path target = libDir.resolve(FILE_NAME);
            if (Files.isRegularFile(target) && Files.size(target) == bytes.length
                    && java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
                return Optional.of(target);
            }
            io.hpcdask.server.files.PrivateFiles.createDirectories(libDir);
            Path tmp = Files.createTempFile(libDir, FILE_NAME, ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the worker jar to " + libDir, e);
        }
    }
}
