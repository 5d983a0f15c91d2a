package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's worker join, on the real SLURM of this machine: the class-data archive's whole life through the job
 * script ({@code templates/worker-cds.ftl}). The first job on the node, finding no archive, takes the lock and its
 * worker writes the archive while it works; that job hands it on as it ends; the next job checks it, renames it into
 * place, and its worker JVM maps it; that job also removes what earlier jars left in the cache over 30 days ago.
 * The jobs get a cache of this test's own through the prologue ({@code XDG_CACHE_HOME}): the worker jar is the
 * build's, whose archive other tests' jobs may be making meanwhile.
 */
class WorkerClassArchiveSlurmTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    Path home;
    private final String cluster = "cds";
    private Path cacheHome;
    private boolean up;
    private SlurmOverSsh slurm;

    /**
     * The jobs' rm waits a second before it removes: the job script's clean-up then surely still runs when the
     * scancel of a scale-down comes (it came while a plain rm ran in one try of four), and a clean-up killed by its
     * TERM leaves the lock and the class list behind for ever.
     */
    @BeforeEach
    void slurmOverSsh() throws Exception {
        cacheHome = home.resolve("cache");
        Path slowRm = Files.createDirectories(home.resolve("slow-bin")).resolve("rm");
        Files.writeString(slowRm, "#!/bin/sh\nsleep 1\nexec /bin/rm \"$@\"\n");
        Files.setPosixFilePermissions(slowRm, PosixFilePermissions.fromString("rwx------"));
        slurm = new SlurmOverSsh(home, "hpcdask-cds-", "prologue:\n  - export XDG_CACHE_HOME='" + cacheHome + "'\n"
                + "  - export PATH='" + slowRm.getParent() + "':\"$PATH\"\n");
    }

    @AfterEach
    void down() throws Exception {
        if (up) {
            slurm.cli("cluster", "down", "--name", cluster);
        }
        slurm.cancelLeftovers();
    }

    private List<String> cache() throws IOException {
        Path dir = cacheHome.resolve("hpc-dask");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private String onlyJob() throws Exception {
        var jobs = slurm.squeue();
        assertThat(jobs).as("this test's jobs").hasSize(1);
        return jobs.keySet().iterator().next();
    }

    @Test
    void theFirstJobsWorkerWritesTheArchiveItsJobHandsItOnAndTheNextJobsWorkerMapsIt() throws Exception {
        List<String> args = new ArrayList<>(List.of("cluster", "up", "--name", cluster));
        args.addAll(slurm.sshArgs);
        args.addAll(List.of("--cores", "1", "--memory", "500M", "--walltime", "00:10:00"));
        up = true;
        slurm.ok(args.toArray(String[]::new));
        // left by earlier jars: an archive and a killed dumper's lock untouched for 40 days, an archive of 10 days
        Path cacheDir = Files.createDirectories(cacheHome.resolve("hpc-dask"));
        Path oldArchive = Files.write(cacheDir.resolve("hpc-dask-worker-1-2.jsa"), new byte[1000]);
        Path oldLock = Files.createDirectory(cacheDir.resolve("hpc-dask-worker-3-4.jsa.lock"));
        Files.writeString(oldLock.resolve("owner"), "elsewhere 1\n");
        Path recent = Files.write(cacheDir.resolve("hpc-dask-worker-5-6.jsa"), new byte[1000]);
        for (Path p : List.of(oldLock.resolve("owner"), oldLock, oldArchive)) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
        }
        Files.setLastModifiedTime(recent, FileTime.from(Instant.now().minus(Duration.ofDays(10))));
        List<String> leftBefore =
                List.of("hpc-dask-worker-1-2.jsa", "hpc-dask-worker-3-4.jsa.lock", "hpc-dask-worker-5-6.jsa");

        slurm.ok("scale", "1", "--wait", "--timeout", "150", "--name", cluster);
        String first = onlyJob();
        String dumper = SlurmOverSsh.read(Path.of("/proc", Long.toString(SlurmOverSsh.workerJvm(first)), "cmdline"));
        assertThat(dumper).as("the first job's worker notes its classes for the archive")
                .contains("-XX:DumpLoadedClassList=").doesNotContain("-XX:SharedArchiveFile=");
        // the worker's archive, renamed from its part-file once the dumping JVM succeeded: NAME.jsa.dump-HOST-PID
        await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> cache().stream()
                .anyMatch(n -> n.matches("hpc-dask-worker-.*\\.jsa\\.dump-[^/]*-\\d+")));
        List<String> whileWorking = cache();
        String archive = whileWorking.stream().filter(n -> n.endsWith(".lock") && !leftBefore.contains(n)).findFirst()
                .map(n -> n.substring(0, n.length() - ".lock".length())).orElseThrow();

        // scaled down, the worker drains and ends, and its job script cleans up while the scheduler's scancel comes
        slurm.ok("scale", "0", "--name", cluster);
        await().atMost(LONG).pollInterval(Duration.ofMillis(250)).until(() -> slurm.squeue().isEmpty());
        assertThat(cache()).as("the ended job handed its archive on, released the lock and left nothing else")
                .containsExactlyInAnyOrder(Stream.concat(Stream.of(archive + ".new"), leftBefore.stream())
                        .toArray(String[]::new));

        slurm.ok("scale", "1", "--wait", "--timeout", "150", "--name", cluster);
        long second = SlurmOverSsh.workerJvm(onlyJob());
        Path installed = cacheHome.resolve("hpc-dask").resolve(archive);
        assertThat(cache()).as("the next job checked the archive, renamed it into place, and removed the 40-day-old")
                .containsExactlyInAnyOrder(archive, "hpc-dask-worker-5-6.jsa");
        assertThat(SlurmOverSsh.read(Path.of("/proc", Long.toString(second), "cmdline")))
                .contains("-XX:SharedArchiveFile=" + installed).doesNotContain("-XX:DumpLoadedClassList=");
        assertThat(SlurmOverSsh.read(Path.of("/proc", Long.toString(second), "maps")))
                .as("the next worker's JVM maps the archive").contains(installed.toString());
    }
}
