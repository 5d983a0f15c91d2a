package io.hpcdask.architecture;

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
    static final ArchRule noPackageCycles = ArchitectureRules.NO_PACKAGE_CYCLES;

    @ArchTest
    static final ArchRule workerBootstrapDependsOnNothingAbove = ArchitectureRules.WORKER_BOOTSTRAP_DEPENDS_ON_NOTHING_ABOVE;

    @ArchTest
    static final ArchRule schedulerServerDependsOnNothingAbove = ArchitectureRules.SCHEDULER_SERVER_DEPENDS_ON_NOTHING_ABOVE;

    @ArchTest
    static final ArchRule workerBootstrapPackages = ArchitectureRules.WORKER_BOOTSTRAP_PACKAGES;

    @ArchTest
    static final ArchRule schedulerServerPackages = ArchitectureRules.SCHEDULER_SERVER_PACKAGES;

    @ArchTest
    static final ArchRule launcherPackages = ArchitectureRules.LAUNCHER_PACKAGES;

    @ArchTest
    static final ArchRule failureStandsAlone = ArchitectureRules.FAILURE_STANDS_ALONE;

    @ArchTest
    static final ArchRule nothingDependsOnCli = ArchitectureRules.NOTHING_DEPENDS_ON_CLI;

    @ArchTest
    static final ArchRule coreIsPure = ArchitectureRules.CORE_IS_PURE;

    @ArchTest
    static final ArchRule serverKnowsNoSshOrTemplates = ArchitectureRules.SERVER_KNOWS_NO_SSH_OR_TEMPLATES;
}
