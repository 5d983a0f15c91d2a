package io.hpcdask.worker;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For runs started by the JDK (the spawn helper keeps the lease for its own runs, without a file per run): enforces
 * the lease and "runs die with their worker" from outside this JVM, so it holds when the JVM is frozen
 * (SIGSTOP, a stalled node) or killed with SIGKILL. A small shell loop in its own session watches two things once a
 * second: whether this JVM's pid is alive, and the lease file, which holds the second (epoch) until which the lease is
 * valid and which only this JVM renews while it hears from its scheduler. When the JVM is gone or the lease has run
 * out, the loop SIGKILLs the process group of every run listed in {@code runs/}, leaving a marker in
 * {@code expired/} first so the JVM, should it wake up, reports those runs as abandoned rather than as ended by a
 * signal. When the JVM is gone the loop removes its directory and exits.
 */
final class RunGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunGuard.class);
    static final String SCRIPT = """
            wpid=$1; dir=$2
            while [ -d "$dir" ]; do
              printf -v now '%(%s)T' -1
              until=0
              read -r until < "$dir/lease" 2>/dev/null
              gone=0
              kill -0 "$wpid" 2>/dev/null || gone=1
              if [ "$gone" = 1 ] || [ "$now" -ge "${until:-0}" ]; then
                for f in "$dir"/runs/*; do
                  [ -e "$f" ] || continue
                  g=${f##*/}
                  : > "$dir/expired/$g"
                  kill -KILL -- "-$g" 2>/dev/null
                  rm -f "$f"
                done
              fi
              if [ "$gone" = 1 ]; then rm -rf "$dir"; exit 0; fi
              sleep 1
            done
            """;

    private final Path dir;
    private final Process watcher;
    private long writtenUntil = Long.MIN_VALUE;

    private RunGuard(Path dir, Process watcher) {
        this.dir = dir;
        this.watcher = watcher;
    }

    /** Starts the watcher with a lease valid until {@code untilMillis}. */
    static RunGuard start(long untilMillis) throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(base, "hpc-dask-guard-" + ProcessHandle.current().pid() + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createDirectories(dir.resolve("runs"));
        Files.createDirectories(dir.resolve("expired"));
        writeLease(dir, untilMillis / 1000);
        Process p = new ProcessBuilder("setsid", "bash", "-c", SCRIPT, "hpc-dask-guard",
                Long.toString(ProcessHandle.current().pid()), dir.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        RunGuard guard = new RunGuard(dir, p);
        guard.writtenUntil = untilMillis / 1000;
        return guard;
    }

    /** Moves the lease's end; written only when the second changes. */
    void renew(long untilMillis) {
        long until = untilMillis / 1000;
        if (until == writtenUntil) {
            return;
        }
        try {
            writeLease(dir, until);
            writtenUntil = until;
        } catch (IOException e) {
            LOG.warn("Cannot renew the lease file in {}: {}", dir, e.toString());
        }
    }

    private static void writeLease(Path dir, long untilSecond) throws IOException {
        Path tmp = dir.resolve("lease.tmp");
        Files.writeString(tmp, untilSecond + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("lease"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A run's process group to kill when the lease runs out or this JVM dies. */
    void add(long pgid) {
        try {
            Files.deleteIfExists(dir.resolve("expired").resolve(Long.toString(pgid)));
            Files.writeString(dir.resolve("runs").resolve(Long.toString(pgid)), "");
        } catch (IOException e) {
            LOG.warn("Cannot record run group {} in {}: {}", pgid, dir, e.toString());
        }
    }

    /** The group ended: forget it (so a reused pid is never signalled). */
    void remove(long pgid) {
        try {
            Files.deleteIfExists(dir.resolve("runs").resolve(Long.toString(pgid)));
        } catch (IOException e) {
            LOG.warn("Cannot forget run group {} in {}: {}", pgid, dir, e.toString());
        }
    }

    /** True when the watcher killed this group because the lease ran out. */
    boolean killedForLease(long pgid) {
        return Files.exists(dir.resolve("expired").resolve(Long.toString(pgid)));
    }

    boolean watching() {
        return watcher.isAlive();
    }

    /** Stops watching: the watcher sees its directory gone and exits. Runs must be ended before. */
    @Override
    public void close() {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.debug("Cannot remove {}: {}", dir, e.toString());
        }
    }
}
