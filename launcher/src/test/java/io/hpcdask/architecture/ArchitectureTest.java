package io.hpcdask.architecture;

import static io.hpcdask.architecture.ArchitectureRules.CORE_IS_PURE;
import static io.hpcdask.architecture.ArchitectureRules.FAILURE_STANDS_ALONE;
import static io.hpcdask.architecture.ArchitectureRules.LAUNCHER_PACKAGES;
import static io.hpcdask.architecture.ArchitectureRules.NOTHING_DEPENDS_ON_CLI;
import static io.hpcdask.architecture.ArchitectureRules.NO_PACKAGE_CYCLES;
import static io.hpcdask.architecture.ArchitectureRules.SCHEDULER_SERVER_DEPENDS_ON_NOTHING_ABOVE;
import static io.hpcdask.architecture.ArchitectureRules.SCHEDULER_SERVER_PACKAGES;
import static io.hpcdask.architecture.ArchitectureRules.SERVER_KNOWS_NO_SSH_OR_TEMPLATES;
import static io.hpcdask.architecture.ArchitectureRules.WORKER_BOOTSTRAP_DEPENDS_ON_NOTHING_ABOVE;
import static io.hpcdask.architecture.ArchitectureRules.WORKER_BOOTSTRAP_PACKAGES;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.hpcdask.launcher.cli.Main;
import io.hpcdask.server.SchedulerServer;
import io.hpcdask.worker.WorkerMain;

/** The main code of all three modules (the launcher's test classpath sees them all) holds {@link ArchitectureRules}. */
@AnalyzeClasses(packages = "io.hpcdask", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Without this, a classpath missing a module would let every rule about it pass. */
    @ArchTest
    static void importsTheMainClassesOfEveryModule(JavaClasses classes) {
        assertThat(classes.contain(WorkerMain.class)).as("worker-bootstrap imported").isTrue();
        assertThat(classes.contain(SchedulerServer.class)).as("scheduler-server imported").isTrue();
        assertThat(classes.contain(Main.class)).as("launcher imported").isTrue();
        assertThat(classes.stream().filter(c -> c.getPackageName().startsWith("io.hpcdask.architecture")))
                .as("test classes left out").isEmpty();
    }

    @ArchTest
    static final ArchRule noPackageCycles = NO_PACKAGE_CYCLES;

    @ArchTest
    static final ArchRule workerBootstrapDependsOnNothingAbove = WORKER_BOOTSTRAP_DEPENDS_ON_NOTHING_ABOVE;

    @ArchTest
    static final ArchRule schedulerServerDependsOnNothingAbove = SCHEDULER_SERVER_DEPENDS_ON_NOTHING_ABOVE;

    @ArchTest
    static final ArchRule workerBootstrapPackages = WORKER_BOOTSTRAP_PACKAGES;

    @ArchTest
    static final ArchRule schedulerServerPackages = SCHEDULER_SERVER_PACKAGES;

    @ArchTest
    static final ArchRule launcherPackages = LAUNCHER_PACKAGES;

    @ArchTest
    static final ArchRule failureStandsAlone = FAILURE_STANDS_ALONE;

    @ArchTest
    static final ArchRule nothingDependsOnCli = NOTHING_DEPENDS_ON_CLI;

    @ArchTest
    static final ArchRule coreIsPure = CORE_IS_PURE;

    @ArchTest
    static final ArchRule serverKnowsNoSshOrTemplates = SERVER_KNOWS_NO_SSH_OR_TEMPLATES;
}
