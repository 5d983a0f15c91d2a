package io.hpcdask.launcher.cluster;

import io.hpcdask.server.files.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** {@code $HPC_DASK_HOME/clusters/}: one directory per named cluster. */
public final class ClusterHome {
    public static final String DEFAULT_NAME = "default";
    public static final String NAME_FORM = "letters, digits, '.', '_' or '-', not starting with '.' or '-'";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

    private final Path root;

    public ClusterHome(Path hpcDaskHome) {
        this.root = hpcDaskHome.toAbsolutePath();
    }

    public Path clustersDir() {
        return root.resolve("clusters");
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public ClusterDir cluster(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid cluster name '" + name + "'; expected " + NAME_FORM);
        }
        secureParents();
        return new ClusterDir(name, clustersDir().resolve(name));
    }

    /**
     * {@code $HPC_DASK_HOME} and {@code clusters/}, when they exist, must be the user's: one that others may write (an
     * older version under umask 000 made them so) is set 0700, one owned by someone else is refused. Another user
     * could otherwise replace a cluster directory.
     */
    private void secureParents() {
        for (Path p : new Path[] {root, clustersDir()}) {
            if (!Files.isDirectory(p)) {
                continue;
            }
            try {
                String why = PrivateFiles.untrustedReason(p);
                if (why == null) {
                    continue;
                }
                if ((Integer) Files.getAttribute(p, "unix:uid") != PrivateFiles.currentUid()) {
                    throw new UntrustedFileException("refusing to use " + p + ": " + why);
                }
                Files.setPosixFilePermissions(p, PrivateFiles.DIR);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot check " + p, e);
            }
        }
    }

    /** Names of the clusters that have a directory here, sorted. */
    public List<String> existingNames() {
        if (!Files.isDirectory(clustersDir())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(clustersDir())) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(ClusterHome::isValidName).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
