package io.hpcdask.launcher.ssh;

import io.hpcdask.launcher.failure.CommandFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Puts the worker jar at {@code ~/.hpc-dask/lib/<name>-<sha256>.jar} (and the distribution jar, and the worker
 * runtime at {@code <name>-<sha256>.tar.gz}, the same way). The hash is in the name, so a file that is
 * there is the right one and re-runs upload nothing; uploads go to a temporary name first, so a broken transfer
 * never looks complete.
 */
public final class WorkerJarUploader {
    /** Where {@code mvn package} puts the worker jar inside the launcher jar. */
    public static final String BUNDLED_RESOURCE = "/io/hpcdask/worker-dist/hpc-dask-worker.jar";
    public static final String LIB_DIR = ".hpc-dask/lib";

    /** @param transferred false when the file was already there */
    public record Uploaded(String remotePath, boolean transferred) {
    }

    private WorkerJarUploader() {
    }

    /**
     * Uploads {@code file} (a jar, or the worker runtime's {@code .tar.gz}) as {@code NAME-SHA256.EXT}; a file already
     * named by its own hash keeps its name, so a login node's server handing on what was uploaded to it sends nothing.
     */
    public static Uploaded upload(RemoteShell shell, Path file) throws IOException {
        String fileName = file.getFileName().toString();
        String extension = fileName.endsWith(".tar.gz") ? ".tar.gz" : fileName.endsWith(".jar") ? ".jar" : "";
        String name = fileName.substring(0, fileName.length() - extension.length());
        String sha = sha256(file);
        String dir = shell.homeDir() + "/" + LIB_DIR;
        String target = dir + "/" + (name.endsWith("-" + sha) ? name : name + "-" + sha) + (extension.isEmpty() ? ".jar" : extension);
        if (shell.exists(target)) {
            return new Uploaded(target, false);
        }
        shell.mkdirs(dir, 0755);
        String partial = target + ".part-" + UUID.randomUUID();
        shell.upload(file, partial, 0644);
        shell.rename(partial, target);
        return new Uploaded(target, true);
    }

    /** The worker jar shipped inside this launcher, copied to a temporary file; fails clearly when it is missing. */
    public static Path bundledJar() throws IOException {
        try (InputStream in = WorkerJarUploader.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new CommandFailedException("the worker jar is missing from this build (classpath resource "
                        + BUNDLED_RESOURCE + "); build it with `mvn -DskipTests package` from the repository root,"
                        + " which builds worker-bootstrap/target/dist/hpc-dask-worker.jar and bundles it");
            }
            Path dir = Files.createTempDirectory("hpc-dask-worker");
            Path jar = dir.resolve("hpc-dask-worker.jar");
            Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
            jar.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return jar;
        }
    }

    static String sha256(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
