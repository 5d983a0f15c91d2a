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

    /** Writes the archive named by its argument and goes on: exit 0 only when it was written and this JVM lives on. */
    public static void main(String[] args) throws Exception {
        if (args.length > 1) {
            // a list the dumping JVM cannot read, in place of this JVM's (which goes on writing the file it opened)
            Files.delete(Path.of(args[1]));
            Files.writeString(Path.of(args[1]), "java/lang/Object\n@lambda-proxy nonsense\n");
        }
        boolean written = ClassArchiveDump.dump(Path.of(args[0]));
        Thread.sleep(50); // still running after the dump: it was not an exit
        System.exit(written ? 0 : 1);
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
                .contains("-Xshare:dump -XX:SharedClassListFile=" + archive + ".list")
                .contains("` exited with 1; its output ends: ").contains("class list format error");
        assertThat(archive).doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("worker.jsa"));
        }
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
