package io.hpcdask.launcher.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The class-data archive the launch script started this command with (cli-launch.sh). The script names it after the
 * command only, to find it without running any program; the JVM checks that it was made from this jar by this JVM
 * and otherwise maps nothing. Started without sharing, the command removes it, so its next run makes a new one.
 */
final class StartArchive {
    /** The system property the launch script sets to the archive's path. */
    static final String PROPERTY = "hpc-dask.cds";

    private StartArchive() {
    }

    /**
     * Removes {@code archive} when {@code vmInfo} ({@code java.vm.info}) says the JVM runs without class-data sharing.
     *
     * @return whether it was removed
     */
    static boolean dropIfUnused(String archive, String vmInfo) {
        if (archive == null || archive.isEmpty() || vmInfo == null || vmInfo.contains("sharing")) {
            return false;
        }
        try {
            return Files.deleteIfExists(Path.of(archive));
        } catch (IOException | RuntimeException e) {
            return false; // another user's directory, say: the command runs all the same, as it did without
        }
    }
}
