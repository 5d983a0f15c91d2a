package io.hpcdask.architecture;

import static io.hpcdask.architecture.ArchitectureRules.NOTHING_DEPENDS_ON_CLI;
import static io.hpcdask.architecture.ArchitectureRules.NO_PACKAGE_CYCLES;
import static io.hpcdask.architecture.ArchitectureRules.SCHEDULER_SERVER_DEPENDS_ON_NOTHING_ABOVE;
import static io.hpcdask.architecture.ArchitectureRules.WORKER_BOOTSTRAP_DEPENDS_ON_NOTHING_ABOVE;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * The test of {@link ArchitectureTest}: the same rules, over the main classes plus the fixtures planted under
 * {@code io.hpcdask.architecture.planted}, fail on exactly what was planted.
 */
class PlantedViolationsTest {
    private static final String PLANTED = "io.hpcdask.architecture.planted";
    private static final JavaClasses MAIN_AND_PLANTED = new ClassFileImporter()
            .withImportOption(location -> new ImportOption.DoNotIncludeTests().includes(location)
                    || location.contains("/" + PLANTED.replace('.', '/') + "/"))
            .importPackages("io.hpcdask");

    @Test
    void aCycleBetweenTwoPackagesFailsAndIsNamed() {
        EvaluationResult result = NO_PACKAGE_CYCLES.evaluate(MAIN_AND_PLANTED);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString())
                .contains("Cycle detected: Slice architecture.planted.a -> ",
                        "Slice architecture.planted.b -> ", "Slice architecture.planted.a")
                .contains(PLANTED + ".a.A", PLANTED + ".b.B");
        assertThat(result.getFailureReport().getDetails()).as("only the planted cycle")
                .allSatisfy(line -> assertThat(line).contains(PLANTED));
    }

    @Test
    void workerBootstrapReachingUpToTheServerFails() {
        EvaluationResult result = WORKER_BOOTSTRAP_DEPENDS_ON_NOTHING_ABOVE.evaluate(MAIN_AND_PLANTED);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails()).as("only the planted dependency").singleElement()
                .satisfies(line -> assertThat(line)
                        .contains(PLANTED + ".upward.ReachesUp", "io.hpcdask.server.SchedulerServer"));
    }

    @Test
    void thePlantsBreakNoOtherRule() {
        assertThat(MAIN_AND_PLANTED.contain(PLANTED + ".a.A")).isTrue();
        assertThat(SCHEDULER_SERVER_DEPENDS_ON_NOTHING_ABOVE.evaluate(MAIN_AND_PLANTED).hasViolation())
                .isFalse();
        assertThat(NOTHING_DEPENDS_ON_CLI.evaluate(MAIN_AND_PLANTED).hasViolation()).isFalse();
    }
}
