package io.hpcdask.launcher.cli.daemon;

import io.hpcdask.server.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the daemon's socket, lock and log live: {@code $XDG_RUNTIME_DIR/hpc-dask/} when that is set, else
 * {@code /tmp/hpc-dask-UID/}. Node-local on purpose: login nodes share $HOME over NFS, where a socket would be seen
 * from the other login nodes. The directory must be ours, 0700 and no symbolic link: another user of the login node
 * may have made it first, to listen in our place; then there is no daemon (cli-client.pl checks the same).
 */
public final class DaemonPlace {
    static final String PREFIX = "cli-";
    private static final Set<PosixFilePermission> PRIVATE = PrivateFiles.DIR;

    private final Path dir;

    DaemonPlace(Path dir) {
        this.dir = dir;
    }

    /** The directory for this environment and user, whether or not it exists. */
    public static Path directory(Map<String, String> env, long uid) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        return runtime != null && !runtime.isEmpty() ? Path.of(runtime, "hpc-dask") : Path.of("/tmp", "hpc-dask-" + uid);
    }

    /** The place when its directory exists and is safe, else empty; makes nothing. */
    public static Optional<DaemonPlace> existing(Path dir) {
        return unsafeReason(dir) == null ? Optional.of(new DaemonPlace(dir)) : Optional.empty();
    }

    /** The place, its directory made 0700 when absent; empty when it exists but is not safe, or cannot be made. */
    public static Optional<DaemonPlace> prepare(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(PRIVATE));
                Files.setPosixFilePermissions(dir, PRIVATE); // whatever the umask
            } catch (FileAlreadyExistsException e) {
                // made by another starter meanwhile: checked below like any other
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return existing(dir);
    }

    /** Null when {@code dir} is a directory (not a link) of this user with mode 0700, else why not, as one line. */
    public static String unsafeReason(Path dir) {
        try {
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink() || !a.isDirectory()) {
                return dir + " is not a directory";
            }
            int uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (uid != PrivateFiles.currentUid()) {
                return dir + " is owned by uid " + uid + ", not by you";
            }
            if (!a.permissions().equals(PRIVATE)) {
                return dir + " has mode " + java.nio.file.attribute.PosixFilePermissions.toString(a.permissions())
                        + ", not rwx------";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return dir + ": " + e.getMessage();
        }
    }

    public Path dir() {
        return dir;
    }

    /**
     * A name for the daemon of {@code jar}: one per install, so two installs (a release and a checkout) each keep their
     * own. The sum of the path's UTF-8 bytes, what perl's {@code unpack "%32C*"} gives; two paths of one sum share
     * a daemon, which the jar's stamp in each call keeps right.
     */
    static String nameOf(String jar) {
        long sum = 0;
        for (byte b : jar.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            sum += b & 0xff;
        }
        return PREFIX + (sum & 0xffffffffL);
    }

    public Path socket(String jar) {
        return dir.resolve(nameOf(jar) + ".sock");
    }

    Path lock(String jar) {
        return dir.resolve(nameOf(jar) + ".lock");
    }

    public Path log(String jar) {
        return dir.resolve(nameOf(jar) + ".log");
    }
}
