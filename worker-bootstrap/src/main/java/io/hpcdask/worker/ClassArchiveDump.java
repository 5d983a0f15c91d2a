package io.hpcdask.worker;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class-data archive that the first batch worker on a node writes for the workers after it
 * ({@code templates/worker-cds.ftl} names the file in {@link #PROPERTY} and starts that JVM with
 * {@code -XX:DumpLoadedClassList}, which notes each class as the JVM loads it). Once the worker has registered, so
 * that the list holds every class of the start path, a second JVM of the same java and options, {@code nice}d, makes
 * a static archive of the list ({@code -Xshare:dump}) while the worker goes on; the worker renames it into place only
 * when that JVM succeeded. A static archive, not the dynamic one that the running JVM could dump itself
 * ({@code VM.cds dynamic_dump}): the dynamic one left out the 270 classes that were loaded but never linked and the
 * method-handle forms that the JVM spun at run time, and the JVM mapped it over the JDK's own archive; two workers
 * starting together on 2 cores registered in 610 ms (p50) with it and in 480 ms with the static one. Not at exit
 * ({@code -XX:ArchiveClassesAtExit}) either: that dump kept a cancelled worker's JVM alive for seconds past its SIGTERM.
 * <p>
 * The dump's list, output and part-written archive live in a directory of their own beside the file
 * ({@link #workDirectory}), which the job script removes with everything else of the dump when the worker ends. A
 * worker killed with -9 (the OOM killer's choice, as the largest process) cannot stop its dumping JVM; that JVM then
 * finds its directory gone when it comes to write, fails, and leaves nothing on the node, where a file beside the
 * archive would have been written after the job script had cleaned up, and kept for ever.
 */
public final class ClassArchiveDump {
    /** The system property naming the archive file to write; absent in every worker but the one chosen to write it. */
    public static final String PROPERTY = "hpcdask.worker.classArchive";
    private static final Logger LOG = LoggerFactory.getLogger(ClassArchiveDump.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final long DUMP_TIMEOUT_SECONDS = 300;
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    /** Options of this JVM that the dumping JVM must not repeat: its own archive and list options, logs, agents. */
    private static final List<String> NOT_REPEATED = List.of("-Xshare", "-Xlog", "-XX:SharedArchiveFile",
            "-XX:SharedClassListFile", "-XX:DumpLoadedClassList", "-XX:+RecordDynamicDumpInfo",
            "-XX:ArchiveClassesAtExit", "-XX:+AutoCreateSharedArchive", "-XX:StartFlightRecording",
            "-XX:FlightRecorderOptions", "-Xrun", "-Xdebug", "-Xagent");

    private ClassArchiveDump() {
    }

    /** Starts the dump when this worker is the one to write the archive; only on its first registration. */
    static void afterRegistering() {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isEmpty() || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> dump(Path.of(file)), "class-archive");
        t.setDaemon(true);
        t.start();
    }

    /** Writes the archive; true when the file is there afterwards. Any failure is logged and leaves no archive. */
    static boolean dump(Path file) {
        if (ModuleLayer.boot().findModule("jdk.management").isEmpty()) {
            LOG.info("No class-data archive: this java has no jdk.management module (to read its class list's name)");
            return false;
        }
        long t0 = System.nanoTime();
        Path work = workDirectory(file);
        Path list = work.resolve("classes.list");
        Path part = work.resolve("archive.part");
        Path output = work.resolve("dump.out");
        try {
            String recorded = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("DumpLoadedClassList").getValue();
            if (recorded.isEmpty()) {
                LOG.warn("No class-data archive written to {}: this JVM keeps no class list (-XX:DumpLoadedClassList)",
                        file);
                return false;
            }
            LOG.info("Writing a class-data archive of the worker's classes to {} for the workers after it", file);
            Files.createDirectory(work, OWNER_ONLY);
            Files.write(list, wholeLines(Files.readAllBytes(Path.of(recorded))));
            List<String> argv = command(list, part);
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean ended = waitFor(p, list, part, output, work);
            if (ended && p.exitValue() == 0 && Files.isRegularFile(part) && Files.size(part) > 0) {
                Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("Class-data archive of the worker's classes written to {} in {} ms", file,
                        (System.nanoTime() - t0) / 1_000_000);
                return true;
            }
            LOG.warn("No class-data archive written to {}: `{}` {}; its output ends: {}", file, String.join(" ", argv),
                    ended ? "exited with " + p.exitValue() : "did not end in " + DUMP_TIMEOUT_SECONDS + " s",
                    tail(output));
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warn("No class-data archive written to {}: {}", file, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            remove(list, part, output, work);
        }
        return false;
    }

    private static void remove(Path... paths) {
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.debug("Cannot remove {}: {}", p, e.toString());
            }
        }
    }

    /**
     * Waits for the dumping JVM; a worker that ends meanwhile (SIGTERM at the job's end) takes it down with it, so
     * that it never writes its part-archive after the job script cleaned up.
     */
    private static boolean waitFor(Process p, Path... itsFiles) throws InterruptedException, IOException {
        Thread stop = new Thread(() -> {
            p.destroyForcibly();
            try {
                p.waitFor(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                // the job script removes what is left
            }
            remove(itsFiles);
        }, "class-archive-stop");
        try {
            Runtime.getRuntime().addShutdownHook(stop);
        } catch (IllegalStateException e) {
            p.destroyForcibly();
            throw new IOException("the worker is ending", e);
        }
        try {
            boolean ended = p.waitFor(DUMP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            return ended;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs
            }
        }
    }

    /** Where the dump of {@code file} keeps its list, output and part-written archive: a name the job removes. */
    static Path workDirectory(Path file) {
        return Path.of(file + ".d");
    }

    /** The list as far as its last whole line: the JVM may be writing a line of it right now. */
    static byte[] wholeLines(byte[] list) {
        int end = list.length;
        while (end > 0 && list[end - 1] != '\n') {
            end--;
        }
        return Arrays.copyOf(list, end);
    }

    /** This JVM's java and options (heap and collector decide what the archive holds) dumping {@code list}. */
    static List<String> command(Path list, Path archive) {
        List<String> argv = new ArrayList<>();
        // one-time work for later workers: the runs this worker starts meanwhile come first
        ExecutableOnPath.find("nice", System.getenv("PATH"))
                .ifPresent(nice -> argv.addAll(List.of(nice.toString(), "-n", "10")));
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("-X") && NOT_REPEATED.stream().noneMatch(option::startsWith)) {
                argv.add(option);
            }
        }
        argv.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + list, "-XX:SharedArchiveFile=" + archive,
                "-cp", System.getProperty("java.class.path")));
        return argv;
    }

    private static String tail(Path output) {
        try {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
