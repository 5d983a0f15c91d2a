package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Resources;
import io.hpcdask.protocol.Walltime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerCommandTest {
    private static final WorkerOptions OPTIONS = WorkerOptions.builder("[::1]:8786", "/t", "w").cores(2)
            .memory(Memory.parse("1G")).resources(Resources.parse("gpu=1 foo=2")).slots(3)
            .lifetime(Walltime.parse("00:05:00")).lifetimeGraceSeconds(10L).deathTimeoutSeconds(9L).localDirectory("/s")
            .build();

    @Test
    void buildsAnArgvTheWorkerParses() throws Exception {
        List<String> argv = WorkerCommand.forJar("java", "/opt/w.jar", List.of()).argv(OPTIONS);
        List<String> launch = new ArrayList<>(List.of("java"));
        launch.addAll(WorkerCommand.JVM_OPTIONS);
        launch.addAll(List.of("-jar", "/opt/w.jar", "--scheduler", "[::1]:8786"));
        assertThat(argv).startsWith(launch.toArray(String[]::new));
        String[] args = argv.subList(launch.size() - 2, argv.size()).toArray(String[]::new);
        WorkerOptions o = WorkerOptions.parse(args);
        assertThat(o.schedulerAddress().host()).isEqualTo("::1");
        assertThat(o.resources().toString()).isEqualTo("gpu=1 foo=2");
        assertThat(o.deathTimeoutSeconds()).isEqualTo(9);
    }

    @Test
    void extraJvmOptionsComeAfterTheWorkersOwn() {
        List<String> argv = WorkerCommand.forJar("java", "w.jar", List.of("-XX:SharedArchiveFile=a.jsa")).argv(OPTIONS);
        assertThat(argv.subList(1, WorkerCommand.JVM_OPTIONS.size() + 4)).containsExactlyElementsOf(concat(
                WorkerCommand.JVM_OPTIONS, List.of("-XX:SharedArchiveFile=a.jsa", "-jar", "w.jar")));
    }

    @Test
    void everyWordGoesThroughTheQuotingAndTheLocalDirectoryMayExpand() {
        WorkerOptions.Quoting marking = new WorkerOptions.Quoting() {
            @Override
            public String literal(String value) {
                return "<" + value + ">";
            }

            @Override
            public String expandingVariables(String value) {
                return "{" + value + "}";
            }
        };
        List<String> words = WorkerCommand.forJar("java", "w.jar", List.of()).words(OPTIONS, marking);
        assertThat(words).startsWith("<java>").contains("<-jar>", "<w.jar>", "--cores", "<2>", "<gpu=1 foo=2>")
                .endsWith("--local-directory", "{/s}");
    }

    @Test
    void currentJvmRunsTheMainClassFromItsClasspath() {
        assertThat(WorkerCommand.forCurrentJvm().argv(OPTIONS)).contains("-cp", WorkerMain.class.getName());
    }

    @Test
    void theProbeRunsTheJarWithoutTheWorkersOptions() {
        assertThat(WorkerCommand.probe("java", "w.jar", "login1:8786"))
                .containsExactly("java", "-jar", "w.jar", "--probe", "login1:8786");
        assertThat(Probe.wanted(WorkerCommand.probe("java", "w.jar", "h:1").subList(3, 5).toArray(String[]::new))).isTrue();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
