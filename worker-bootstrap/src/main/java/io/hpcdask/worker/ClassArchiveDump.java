package io.hpcdask.worker;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class-data archive that the first batch worker on a node writes for the workers after it
 * ({@code templates/worker-cds.ftl} names the file in {@link #PROPERTY} and starts that JVM with
 * {@code -XX:+RecordDynamicDumpInfo}). It is written once the worker has registered, so it holds every class of the
 * start path, by the JVM's own {@code VM.cds dynamic_dump} diagnostic command on a thread of its own while the worker
 * goes on. It is not written at exit ({@code -XX:ArchiveClassesAtExit}): that dump kept a cancelled worker's JVM
 * alive for seconds past its SIGTERM.
 */
public final class ClassArchiveDump {
    /** The system property naming the archive file to write; absent in every worker but the one chosen to write it. */
    public static final String PROPERTY = "hpcdask.worker.classArchive";
    private static final Logger LOG = LoggerFactory.getLogger(ClassArchiveDump.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();

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
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Writes the archive; true when the file is there afterwards. Any failure is logged and leaves no archive. */
    static boolean dump(Path file) {
        if (ModuleLayer.boot().findModule("jdk.management").isEmpty()) {
            LOG.info("No class-data archive: this java has no jdk.management module (its VM.cds command)");
            return false;
        }
        long t0 = System.nanoTime();
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmCds",
                    new Object[] {new String[] {"dynamic_dump", file.toString()}},
                    new String[] {String[].class.getName()});
            if (Files.size(file) > 0) {
                LOG.info("Class-data archive of the worker's classes written to {} in {} ms", file,
                        (System.nanoTime() - t0) / 1_000_000);
                return true;
            }
            LOG.warn("No class-data archive written to {}: {}", file, out);
        } catch (Exception | LinkageError e) {
            LOG.warn("No class-data archive written to {}: {}", file, e.toString());
        }
        return false;
    }
}
