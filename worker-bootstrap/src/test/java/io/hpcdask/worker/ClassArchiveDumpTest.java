package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real JVM has the classes it loaded archived while it runs, and a real JVM maps the archive with -Xshare:on (which
 * fails on a bad one).
 */
class ClassArchiveDumpTest {
    @TempDir
    Path dir;

    /**
     * Writes the archive named by its first argument and goes on: exit 0 only when it was written and this JVM lives
     * on. A second argument is this JVM's class list, to be replaced by one the dumping JVM cannot read, or
     * {@link #MANY_CLASSES}.
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[1].equals(MANY_CLASSES)) {
            loadManyClasses();
        } else if (args.length > 1) {
            // a list the dumping JVM cannot read, in place of this JVM's (which goes on writing the file it opened)
            Files.delete(Path.of(args[1]));
            Files.writeString(Path.of(args[1]), "java/lang/Object\n@lambda-proxy nonsense\n");
        }
        boolean written = ClassArchiveDump.dump(Path.of(args[0]));
        Thread.sleep(50); // still running after the dump: it was not an exit
        System.exit(written ? 0 : 1);
    }

    /** Loads (without initialising) the classes of a few JDK modules: a list the dump takes seconds over. */
    private static final String MANY_CLASSES = "--many-classes";

    private static void loadManyClasses() throws IOException {
        java.nio.file.FileSystem jrt = java.nio.file.FileSystems.getFileSystem(java.net.URI.create("jrt:/"));
        for (String module : List.of("java.xml", "java.sql", "java.naming")) {
            try (Stream<Path> files = Files.walk(jrt.getPath("/modules", module))) {
                for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    String name = f.subpath(2, f.getNameCount()).toString().replace('/', '.')
                            .replaceAll("\\.class$", "");
                    try {
                        Class.forName(name, false, ClassLoader.getSystemClassLoader());
                    } catch (ClassNotFoundException | LinkageError e) {
                        // module-info and the like
                    }
                }
            }
        }
    }

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private record Ran(int code, String output) {
    }

    private Ran java(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(JAVA));
        argv.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out-", ".txt");
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s ended", argv).isTrue();
            return new Ran(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * The test's classpath with its directories (this module's classes) packed into one jar: the JVM archives classes
     * from jars only, as the worker jar is on a node.
     */
    private String jarredClassPath() throws IOException {
        Path jar = dir.resolve("classes.jar");
        List<String> entries = new ArrayList<>(List.of(jar.toString()));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path root = Path.of(entry);
                if (!Files.isDirectory(root)) {
                    entries.add(entry);
                    continue;
                }
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        out.putNextEntry(new JarEntry(root.relativize(f).toString().replace(File.separatorChar, '/')));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    @Test
    void aRunningJvmHasItsClassListArchivedAndTheNextJvmMapsIt() throws Exception {
        Path archive = dir.resolve("worker.jsa");
        String cp = jarredClassPath();
        Ran dumper = java("-XX:DumpLoadedClassList=" + dir.resolve("worker.classlist"), "-Xmx64m", "-Xss512k", "-cp",
                cp, ClassArchiveDumpTest.class.getName(), archive.toString());
        assertThat(dumper.code()).as(dumper.output()).isZero();
        assertThat(Files.size(archive)).isPositive();
        assertThat(dumper.output()).contains("Class-data archive of the worker's classes written to " + archive);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("the dumper's list, part and output are gone").noneMatch(n -> n.startsWith("worker.jsa."));
        }
        Ran user = java("-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-Xmx64m", "-Xlog:class+load", "-cp", cp,
                ClassArchiveDumpTest.class.getName(), dir.resolve("again.jsa").toString());
        assertThat(user.output()).as("the archive maps, and a worker class and a JDK one come from it")
                .containsPattern("io\\.hpcdask\\.worker\\.ClassArchiveDump source: shared objects file")
                .containsPattern("java\\.lang\\.Object source: shared objects file");
        assertThat(user.output()).as("nothing in a second JVM without a class list").contains(
                "No class-data archive written to " + dir.resolve("again.jsa") + ": this JVM keeps no class list");
    }

    @Test
    void aDumpThatFailsLeavesNoArchiveAndLogsTheCommandItsStatusAndItsOutput() throws Exception {
        Path archive = dir.resolve("worker.jsa");
        Path recorded = dir.resolve("worker.classlist");
        Ran dumper = java("-XX:DumpLoadedClassList=" + recorded, "-cp", jarredClassPath(),
                ClassArchiveDumpTest.class.getName(), archive.toString(), recorded.toString());
        assertThat(dumper.code()).as(dumper.output()).isEqualTo(1);
        assertThat(dumper.output()).contains("No class-data archive written to " + archive + ": `")
                .contains("-Xshare:dump -XX:SharedClassListFile="
                        + ClassArchiveDump.workDirectory(archive).resolve("classes.list"))
                .contains("` exited with 1; its output ends: ").contains("class list format error");
        assertThat(archive).doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("worker.jsa"));
        }
    }

    /**
     * The worker killed with -9 mid-dump (the OOM killer picks the largest process): nothing can stop its dumping JVM,
     * and the job script cleans up at once. Once that JVM ends too, nothing of the dump may be left in the cache: the
     * archive used to be written beside the file after the clean-up, 20 MB kept for ever.
     */
    @Test
    void aWorkerKilledMidDumpLeavesNothingOnceItsJobScriptCleanedUpAndTheDumpEnded() throws Exception {
        Path archive = dir.resolve("worker.jsa");
        Process worker = new ProcessBuilder(JAVA, "-XX:DumpLoadedClassList=" + archive + ".classlist", "-cp",
                jarredClassPath(), ClassArchiveDumpTest.class.getName(), archive.toString(), MANY_CLASSES)
                .redirectErrorStream(true).redirectOutput(dir.resolve("worker.out").toFile()).start();
        ProcessHandle dumping = null;
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (dumping == null && worker.isAlive() && System.nanoTime() < until) {
                dumping = worker.descendants().filter(d -> d.info().commandLine().orElse("").contains("-Xshare:dump"))
                        .findFirst().orElse(null);
                Thread.sleep(5);
            }
            assertThat(dumping).as("the worker started its dumping JVM: %s",
                    Files.readString(dir.resolve("worker.out"))).isNotNull();
            // past its start, the dumping JVM is reading its list and loading the classes (seconds of them)
            while (dumping.isAlive() && cpuMillis(dumping) < 200 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(dumping.isAlive()).as("the dump still runs when the worker is killed").isTrue();
            worker.destroyForcibly(); // SIGKILL
            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(dumping.isAlive()).as("the dumping JVM outlives a worker killed with -9").isTrue();
            // the job script's EXIT trap (templates/worker-cds.ftl), with the dump named as the job names it
            Process trap = new ProcessBuilder("bash", "-c", "rm -rf \"$1\" \"$1\".*", "trap", archive.toString())
                    .inheritIO().start();
            assertThat(trap.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(dumping.onExit().get(120, TimeUnit.SECONDS).isAlive()).isFalse();
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString()))
                        .as("nothing of the dump is left once its JVM ended").noneMatch(n -> n.startsWith("worker.jsa"));
            }
        } finally {
            worker.destroyForcibly();
            if (dumping != null) {
                dumping.destroyForcibly();
            }
        }
    }

    private static long cpuMillis(ProcessHandle process) {
        return process.info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(0L);
    }

    @Test
    void theDumpingJvmRepeatsTheHeapAndCollectorOptionsButNotTheListOrLogs() throws Exception {
        Path listFile = dir.resolve("w.list");
        List<String> argv = ClassArchiveDump.command(listFile, dir.resolve("w.part"));
        List<String> mine = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertThat(argv).endsWith("-Xshare:dump", "-XX:SharedClassListFile=" + listFile,
                "-XX:SharedArchiveFile=" + dir.resolve("w.part"), "-cp", System.getProperty("java.class.path"));
        assertThat(argv).contains(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        assertThat(argv).containsAll(mine.stream().filter(o -> o.startsWith("-Xmx") || o.startsWith("-XX:+Use")).toList());
        assertThat(argv).noneMatch(o -> o.startsWith("-Xlog") || o.startsWith("-D") || o.startsWith("-javaagent"));
    }

    @Test
    void aListBeingWrittenIsTakenAsFarAsItsLastWholeLine() {
        assertThat(new String(ClassArchiveDump.wholeLines("a/B\nc/D\ne/F".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8)).isEqualTo("a/B\nc/D\n");
        assertThat(ClassArchiveDump.wholeLines("half".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void withoutAClassListNothingIsWrittenAndTheWorkerGoesOn() throws Exception {
        Path archive = dir.resolve("worker.jsa");
        Ran dumper = java("-cp", System.getProperty("java.class.path"), ClassArchiveDumpTest.class.getName(),
                archive.toString());
        assertThat(dumper.code()).as(dumper.output()).isEqualTo(1);
        assertThat(dumper.output()).contains("No class-data archive written to " + archive);
        assertThat(archive).doesNotExist();
    }
}
