package io.hpcdask.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C spawn helper the worker jar carries for x86_64 Linux (built from src/main/c), copied out of the jar to run.
 * Other users share the node and its /tmp: each copy goes into a new directory of a random name that only this user
 * can enter, made with the file; neither is ever a path someone could have planted. The copy is removed as soon as
 * the helper runs from it, so nothing is left behind, even by a worker killed with -9.
 */
final class NativeHelperBinary {
    static final NativeHelperBinary OF_THIS_JAR = new NativeHelperBinary("spawn-helper-linux-x86_64");
    private static final Logger LOG = LoggerFactory.getLogger(NativeHelperBinary.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    /** A copy just written may be held open for writing in a child that another thread forks meanwhile (ETXTBSY). */
    private static final int BUSY_TRIES = 5;

    private final String resource;

    NativeHelperBinary(String resource) {
        this.resource = resource;
    }

    /** Where copies are tried, in turn: a noexec /tmp is common on HPC sites, a home or work directory less so. */
    static List<Path> places(Path workDirectory) {
        Set<Path> places = new LinkedHashSet<>();
        places.add(Path.of(System.getProperty("java.io.tmpdir")));
        places.add(workDirectory);
        String home = System.getProperty("user.home");
        if (home != null && !home.isBlank() && !home.equals("?")) {
            places.add(Path.of(home));
        }
        return new ArrayList<>(places);
    }

    /** Why this worker cannot have the C helper, or null when the jar holds one for this node. */
    String unavailable() {
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if (!"Linux".equals(os) || !("amd64".equals(arch) || "x86_64".equals(arch))) {
            return "it is built for x86_64 Linux, this node is " + os + " " + arch;
        }
        if (NativeHelperBinary.class.getResource(resource) == null) {
            return "the worker jar holds none (built where no C compiler was)";
        }
        return null;
    }

    /** A copy in a new directory under {@code parent}, both 0700. */
    Path install(Path parent) throws IOException {
        Path dir = Files.createTempDirectory(parent, "hpc-dask-spawn-", PRIVATE);
        Path file = dir.resolve("spawn-helper");
        try (InputStream in = NativeHelperBinary.class.getResourceAsStream(resource);
             OutputStream out = Files.newOutputStream(Files.createFile(file, PRIVATE))) {
            if (in == null) {
                throw new IOException(resource + " is missing from the worker jar");
            }
            in.transferTo(out);
        } catch (IOException e) {
            remove(file);
            throw e;
        }
        Files.setPosixFilePermissions(file, OWNER_ONLY); // whatever the umask took away
        return file;
    }

    static void remove(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.getParent());
        } catch (IOException e) {
            LOG.debug("Cannot remove {}: {}", file, e.toString());
        }
    }

    /** Starts the helper from a copy in the first of {@code places} where it runs; throws saying why nowhere. */
    SpawnHelper start(List<Path> places, SpawnHelper.Batches batches) throws IOException {
        String unavailable = unavailable();
        if (unavailable != null) {
            throw new IOException(unavailable);
        }
        List<String> failures = new ArrayList<>();
        for (Path place : places) {
            Path file = null;
            try {
                file = install(place);
                return startCopy(file, batches);
            } catch (IOException e) {
                String why = place + ": " + RunProcess.rootMessage(e);
                failures.add(why);
                LOG.info("The native spawn helper cannot run from {}", why);
            } finally {
                if (file != null) {
                    remove(file); // the running helper keeps its own
                }
            }
        }
        throw new IOException("it cannot run from " + String.join("; ", failures));
    }

    private static SpawnHelper startCopy(Path file, SpawnHelper.Batches batches) throws IOException {
        for (int tries = 1; ; tries++) {
            try {
                return SpawnHelper.run(List.of(file.toString()), file.toString(), batches);
            } catch (IOException e) {
                if (tries >= BUSY_TRIES || !String.valueOf(e.getMessage()).contains("error=26,")) {
                    throw e;
                }
                try {
                    Thread.sleep(10L * tries);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
