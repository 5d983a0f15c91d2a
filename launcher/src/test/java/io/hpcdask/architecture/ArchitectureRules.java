package io.hpcdask.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import io.hpcdask.launcher.cli.Main;
import io.hpcdask.server.SchedulerServer;
import io.hpcdask.worker.WorkerMain;
import java.net.URISyntaxException;

/**
 * The package boundaries of hpc-dask, checked over compiled classes. Shared by {@link ArchitectureTest}, which holds
 * them against the main code, and {@link PlantedViolationsTest}, which shows that they catch what they are meant to.
 */
final class ArchitectureRules {
    static final String SERVER = "io.hpcdask.server..";
    static final String LAUNCHER = "io.hpcdask.launcher..";
    static final String FAILURE = "io.hpcdask.launcher.failure..";
    static final String CLI = "io.hpcdask.launcher.cli..";
    static final String CORE = "io.hpcdask.server.core..";
    static final String IDS = "io.hpcdask.server.ids..";

    /** Each package is its own slice, so a cycle between any two packages fails. */
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.hpcdask.(**)")
            .should().beFreeOfCycles()
            .allowEmptyShould(false);

    /*
     * Modules are told apart by package so that a test fixture can stand in any of them: worker-bootstrap is whatever
     * lies outside the server and launcher packages. The *_PACKAGES rules tie that to where the classes come from.
     */
    static final ArchRule WORKER_BOOTSTRAP_DEPENDS_ON_NOTHING_ABOVE = noClasses()
            .that().resideOutsideOfPackages(SERVER, LAUNCHER)
            .should().dependOnClassesThat().resideInAnyPackage(SERVER, LAUNCHER)
            .as("worker-bootstrap (every package outside io.hpcdask.server and io.hpcdask.launcher) should depend on "
                    + "neither the scheduler server nor the launcher")
            .allowEmptyShould(false);

    static final ArchRule SCHEDULER_SERVER_DEPENDS_ON_NOTHING_ABOVE = noClasses()
            .that().resideInAPackage(SERVER)
            .should().dependOnClassesThat().resideInAPackage(LAUNCHER)
            .allowEmptyShould(false);

    static final ArchRule WORKER_BOOTSTRAP_PACKAGES = classes()
            .that(comeFromTheModuleOf(WorkerMain.class)).should().resideOutsideOfPackages(SERVER, LAUNCHER)
            .allowEmptyShould(false)
            .as("worker-bootstrap's classes should reside outside " + SERVER + " and " + LAUNCHER);

    static final ArchRule SCHEDULER_SERVER_PACKAGES = classes()
            .that(comeFromTheModuleOf(SchedulerServer.class)).should().resideInAPackage(SERVER)
            .allowEmptyShould(false);

    static final ArchRule LAUNCHER_PACKAGES = classes()
            .that(comeFromTheModuleOf(Main.class)).should().resideInAPackage(LAUNCHER)
            .allowEmptyShould(false);

    /** The error types and exit codes are what every layer of the launcher throws: they must stand alone. */
    static final ArchRule FAILURE_STANDS_ALONE = noClasses()
            .that().resideInAPackage(FAILURE)
            .should().dependOnClassesThat(resideInAPackage("io.hpcdask..").and(resideOutsideOfPackage(FAILURE))
                    .as("are in another hpc-dask package"))
            .allowEmptyShould(false);

    static final ArchRule NOTHING_DEPENDS_ON_CLI = noClasses()
            .that().resideOutsideOfPackage(CLI)
            .should().dependOnClassesThat().resideInAPackage(CLI)
            .allowEmptyShould(false);

    /** The typed ids are the one server package the core may use: every layer of the server speaks them. */
    static final ArchRule CORE_IS_PURE = noClasses()
            .that().resideInAPackage(CORE)
            .should().dependOnClassesThat(resideInAPackage(SERVER).and(resideOutsideOfPackages(CORE, IDS))
                    .or(resideInAnyPackage("io.netty..", "java.sql..", "javax.sql..", "org.sqlite..",
                            "com.fasterxml.jackson..", "java.net..", "java.nio.file.."))
                    .as("are in a server package other than ids, or do I/O (Netty, JDBC, Jackson, java.net, "
                            + "java.nio.file)"))
            .allowEmptyShould(false);

    static final ArchRule SERVER_KNOWS_NO_SSH_OR_TEMPLATES = noClasses()
            .that().resideInAPackage(SERVER)
            .should().dependOnClassesThat().resideInAnyPackage("com.jcraft..", "freemarker..")
            .allowEmptyShould(false);

    private ArchitectureRules() {}

    /** Classes loaded from the same classpath entry (classes directory or jar) as {@code anchor}. */
    static DescribedPredicate<JavaClass> comeFromTheModuleOf(Class<?> anchor) {
        String root;
        try {
            // the raw path: class sources are URIs (file:///... or jar:file:///...!/...), the code source a URL
            root = anchor.getProtectionDomain().getCodeSource().getLocation().toURI().getRawPath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate " + anchor, e);
        }
        return DescribedPredicate.describe("come from " + root,
                c -> c.getSource().map(s -> s.getUri().toString().contains(root)).orElse(false));
    }
}
