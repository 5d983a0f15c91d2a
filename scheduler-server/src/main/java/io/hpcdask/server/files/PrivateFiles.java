package io.hpcdask.server.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files and directories only their owner may touch, whatever the process umask: every directory this creates is 0700
 * and every file 0600. The mode is given at creation (so no other user can open the file even for an instant, and a
 * umask can only remove bits from it) and then set explicitly (so a umask that removed the owner's bits is undone).
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> FILE_ATTR = PosixFilePermissions.asFileAttribute(FILE);
    private static final FileAttribute<Set<PosixFilePermission>> DIR_ATTR = PosixFilePermissions.asFileAttribute(DIR);
    private static final Set<PosixFilePermission> GROUP_OR_OTHER_WRITE =
            EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private PrivateFiles() {
    }

    /**
     * Creates {@code dir} and any missing parents, each 0700. Directories that already exist are left as they are
     * (see {@link #tighten} for those this program owns).
     */
    public static Path createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = abs; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                Files.createDirectory(p, DIR_ATTR);
                Files.setPosixFilePermissions(p, DIR);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e;
                }
            }
        }
        return dir;
    }

    /** Creates {@code dir} (and missing parents) 0700, and sets it 0700 if it already existed. */
    public static Path createPrivateDirectory(Path dir) throws IOException {
        createDirectories(dir);
        Files.setPosixFilePermissions(dir, DIR);
        return dir;
    }

    /** Creates an empty 0600 file unless one exists; an existing file is set to 0600. */
    public static Path createFile(Path file) throws IOException {
        try {
            Files.createFile(file, FILE_ATTR);
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(file)) {
                throw e;
            }
        }
        Files.setPosixFilePermissions(file, FILE);
        return file;
    }

    /** Appends {@code data}, creating the file 0600 if it does not exist. */
    public static void append(Path file, byte[] data) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            createFile(file);
        }
        try (OutputStream out = Channels.newOutputStream(Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND), FILE_ATTR))) {
            out.write(data);
        }
    }

    /** Writes {@code data} to a new 0600 file beside {@code file} and moves it into place atomically. */
    public static void writeAtomically(Path file, byte[] data) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        createFile(tmp);
        Files.write(tmp, data);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Sets an existing file 0600 (a directory 0700); a missing one is ignored. */
    public static void tighten(Path path) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(path, DIR);
        } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(path, FILE);
        }
    }

    /** This process's user id. */
    public static long currentUid() {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }

    /**
     * Null when {@code path} is owned by this process's user and writable by no one else; else why it is not to be
     * trusted, as one line.
     */
    public static String untrustedReason(Path path) throws IOException {
        int uid = (Integer) Files.getAttribute(path, "unix:uid");
        if (uid != currentUid()) {
            return path + " is owned by uid " + uid + ", not by you (uid " + currentUid() + ")";
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
        if (perms.stream().anyMatch(GROUP_OR_OTHER_WRITE::contains)) {
            return path + " is writable by other users (mode " + PosixFilePermissions.toString(perms) + ")";
        }
        return null;
    }
}
