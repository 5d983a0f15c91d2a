package io.hpcdask.launcher.cli.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * A jar as the client and the daemon name it: its path, size and modification time in seconds (what perl's stat
 * gives). A rebuilt or reinstalled jar has another stamp, and a daemon running the old one must not answer for it.
 */
public record JarStamp(String path, long size, long mtimeSeconds) {

    public static JarStamp of(Path jar) throws IOException {
        BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
        return new JarStamp(jar.toAbsolutePath().toString(), a.size(), a.lastModifiedTime().to(TimeUnit.SECONDS));
    }

    /** The stamp of the jar now, or null when it cannot be read (removed, say). */
    JarStamp now() {
        try {
            return of(Path.of(path));
        } catch (IOException e) {
            return null;
        }
    }
}
