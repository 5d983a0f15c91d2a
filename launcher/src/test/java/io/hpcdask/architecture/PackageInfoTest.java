package io.hpcdask.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every package of main code, in every module, says what it is for in a {@code package-info.java}. */
class PackageInfoTest {
    private static final Path REPO =
            Path.of(System.getProperty("hpcdask.repo.root", "..")).toAbsolutePath().normalize();

    @Test
    void everyMainPackageHasAPackageInfoWithItsPurpose() throws IOException {
        List<Path> packages = mainPackages();

        assertThat(packages).as("main packages found under " + REPO).hasSizeGreaterThan(10)
                .anySatisfy(p -> assertThat(p).endsWith(Path.of("io/hpcdask/worker")))
                .anySatisfy(p -> assertThat(p).endsWith(Path.of("io/hpcdask/server/core")))
                .anySatisfy(p -> assertThat(p).endsWith(Path.of("io/hpcdask/launcher/cli")));
        assertThat(packages).allSatisfy(p -> assertThat(p.resolve("package-info.java"))
                .as(REPO.relativize(p).toString()).isRegularFile().content().containsPattern("/\\*\\*\\s*\\S"));
    }

    /** Directories under some {@code MODULE/src/main/java} that hold Java sources. */
    private static List<Path> mainPackages() throws IOException {
        try (Stream<Path> modules = Files.list(REPO)) {
            return modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory)
                    .flatMap(PackageInfoTest::walk)
                    .filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".java"))
                    .map(Path::getParent).distinct().sorted().toList();
        }
    }

    private static Stream<Path> walk(Path root) {
        try {
            return Files.walk(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
