package io.hpcdask.worker;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where a program is on a PATH, as the shell would find it. */
final class ExecutableOnPath {
    private ExecutableOnPath() {
    }

    /** The first executable {@code program} in the directories of {@code path} (null or empty: none). */
    static Optional<Path> find(String program, String path) {
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.of(Path.of(dir, program));
            }
        }
        return Optional.empty();
    }
}
