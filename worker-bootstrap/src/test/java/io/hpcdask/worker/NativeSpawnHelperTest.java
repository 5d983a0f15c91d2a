package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cases of {@link SpawnHelperTest} with the C helper the worker jar carries, and how a worker comes to use it or
 * not. Without a C compiler at build time there is no binary: a skip, but a failure under CI=true.
 */
class NativeSpawnHelperTest extends SpawnHelperTest {
    @BeforeEach
    void needsTheBinary() {
        String unavailable = NativeHelperBinary.OF_THIS_JAR.unavailable();
        if (unavailable != null && "true".equals(System.getenv("CI"))) {
            fail("no native spawn helper: " + unavailable);
        }
        assumeTrue(unavailable == null, () -> "no native spawn helper: " + unavailable);
    }

    @Override
    SpawnHelper startHelper(List<String> before, SpawnHelper.Batches batches) throws IOException {
        List<String> command = new ArrayList<>(before);
        command.addAll(helperCommand());
        return SpawnHelper.run(command, "the native helper", batches);
    }

    @Override
    List<String> helperCommand() throws IOException {
        return List.of(NativeHelperBinary.OF_THIS_JAR.install(work).toString());
    }

    @Override
    Spawner spawner(ExecutorService threads) {
        return new Spawner(SpawnWay.NATIVE, "perl", NativeHelperBinary.OF_THIS_JAR, List.of(work), threads,
                SpawnHelper.Batches.NONE);
    }

    @Override
    SpawnWay way() {
        return SpawnWay.NATIVE;
    }

    @Test
    void eachCopyIsInADirectoryOfItsOwnThatOnlyThisUserCanEnter() throws Exception {
        Path one = NativeHelperBinary.OF_THIS_JAR.install(work);
        Path two = NativeHelperBinary.OF_THIS_JAR.install(work);
        assertThat(one.getParent()).isNotEqualTo(two.getParent());
        for (Path copy : List.of(one, two)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.getParent()))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rwx------");
            assertThat(Files.getOwner(copy).getName()).isEqualTo(System.getProperty("user.name"));
        }
        NativeHelperBinary.remove(one);
        assertThat(one.getParent()).doesNotExist();
        assertThat(two).exists();
    }

    @Test
    void theNativeHelperRunsFromTheNextPlaceWhenOneCannotHoldItAndLeavesNoCopyBehind() throws Exception {
        Path notADirectory = Files.writeString(work.resolve("a-file"), "");
        Path place = Files.createDirectories(work.resolve("place"));
        ExecutorService threads = Executors.newCachedThreadPool();
        try (Spawner spawner = new Spawner(SpawnWay.NATIVE, "perl", NativeHelperBinary.OF_THIS_JAR,
                List.of(notADirectory, place), threads, SpawnHelper.Batches.NONE)) {
            spawner.open(0);
            assertThat(spawner.mode()).isEqualTo("native");
            try (var left = Files.list(place)) {
                assertThat(left).isEmpty();
            }
            spawner.start(RecordedRuns.start("n1", "true"), List.of(), work, events);
            await().atMost(Duration.ofSeconds(30)).until(() -> events.finished.containsKey("n1"));
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aNativeHelperThatCannotRunGivesWayToPerlAndWithoutPerlToTheJdk() throws Exception {
        // a file the exec takes (through sh) but that never says hello, as a binary for another machine would
        NativeHelperBinary broken = new NativeHelperBinary("spawn-helper.pl");
        NativeHelperBinary missing = new NativeHelperBinary("no-such-helper");
        ExecutorService threads = Executors.newCachedThreadPool();
        try (Spawner toPerl = new Spawner(SpawnWay.NATIVE, "perl", broken, List.of(work), threads,
                SpawnHelper.Batches.NONE);
             Spawner noBinary = new Spawner(SpawnWay.NATIVE, "perl", missing, List.of(work), threads,
                SpawnHelper.Batches.NONE);
             Spawner toJdk = new Spawner(SpawnWay.NATIVE, "", broken, List.of(work), threads,
                SpawnHelper.Batches.NONE);
             Spawner chosenPerl = new Spawner(SpawnWay.PERL, "perl", NativeHelperBinary.OF_THIS_JAR, List.of(work),
                threads, SpawnHelper.Batches.NONE);
             Spawner chosenJdk = new Spawner(SpawnWay.JDK, "perl", NativeHelperBinary.OF_THIS_JAR, List.of(work),
                threads, SpawnHelper.Batches.NONE)) {
            toPerl.open(0);
            noBinary.open(0);
            toJdk.open(0);
            chosenPerl.open(0);
            chosenJdk.open(0);
            assertThat(toPerl.mode()).isEqualTo("perl");
            assertThat(noBinary.mode()).isEqualTo("perl");
            assertThat(toJdk.mode()).isEqualTo("jdk");
            assertThat(chosenPerl.mode()).isEqualTo("perl");
            assertThat(chosenJdk.mode()).isEqualTo("jdk");
            try (var left = Files.list(work)) {
                assertThat(left).as("copies left").isEmpty();
            }
            toPerl.start(RecordedRuns.start("f1", "true"), List.of(), work, events);
            await().atMost(Duration.ofSeconds(30)).until(() -> events.finished.containsKey("f1"));
        } finally {
            threads.shutdownNow();
        }
    }
}
