package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The tree built for one command line (the invoked commands in full, the others outlined) answers exactly as the full
 * tree: the same help for every command, the same errors and exit codes for bad command lines.
 */
class CommandTreeTest {
    @TempDir
    Path home;

    private record Outcome(int exitCode, String out, String err) {
    }

    /** Every command path of the full tree, the top level (empty) first. */
    static Stream<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.newCommandLine(new CliContext(Map.of(), Path.of("/nonexistent"))), new ArrayList<>(), paths);
        return paths.stream();
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        cl.getSubcommands().forEach((name, sub) -> {
            path.add(name);
            collect(sub, path, into);
            path.remove(path.size() - 1);
        });
    }

    static Stream<List<String>> badCommandLines() {
        return Stream.of(List.of("nope"), List.of("clustr"), List.of("cluster"), List.of("cluster", "nope"),
                List.of("print"), List.of("config"), List.of("--bogus"), List.of("submit", "run"),
                List.of("cluster", "up", "--bogus"), List.of("scale"), List.of("scale", "x"), List.of("runs", "--state"),
                List.of("-h", "cluster"), List.of("cluster", "-h", "up"), List.of("--", "cluster"),
                List.of("print", "job-script", "--system", "slurm", "--cores", "zz"), List.of("runs", "--bogus"),
                List.of("runs", "runs"), List.of("runz", "runs"), List.of("cluster", "status", "up"),
                List.of("submit", "run", "--bogus", "x"), List.of("-V", "runs"));
    }

    @ParameterizedTest(name = "{0} --help")
    @MethodSource("commandPaths")
    void helpOfEveryCommandIsTheFullTreesHelp(List<String> path) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        Outcome lazy = run(false, args);
        Outcome full = run(true, args);
        assertThat(lazy).isEqualTo(full);
        assertThat(lazy.exitCode()).isZero();
        assertThat(lazy.out()).startsWith("Usage: " + String.join(" ", qualified(path)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCommandLines")
    void badCommandLinesFailAsWithTheFullTree(List<String> args) {
        Outcome lazy = run(false, args);
        assertThat(lazy).isEqualTo(run(true, args));
        assertThat(lazy.exitCode()).isIn(ExitCodes.OK, ExitCodes.BAD_INPUT);
    }

    @Test
    void topLevelHelpListsEveryCommandWithItsDescription() {
        Outcome help = run(false, List.of("--help"));
        for (String name : List.of("print", "config", "doctor", "cluster", "scale", "workers", "submit", "runs", "logs", "cancel")) {
            assertThat(help.out()).containsPattern("(?m)^  " + name + " +\\S");
        }
        assertThat(help.out()).contains("Stage work on a running cluster.").contains("Start, inspect and stop a cluster.");
    }

    @Test
    void aCommandNamedFirstIsBuiltAloneWithItsParents() {
        CommandLine cl = tree("cluster", "status", "--name", "runs");
        assertThat(cl.getSubcommands()).containsOnlyKeys("cluster");
        CommandLine cluster = cl.getSubcommands().get("cluster");
        assertThat(command(cluster)).isInstanceOf(ClusterCommand.class);
        assertThat(cluster.getSubcommands()).containsOnlyKeys("status");
        assertThat(command(cluster.getSubcommands().get("status"))).isInstanceOf(ClusterStatusCommand.class);
    }

    @Test
    void otherwiseTheOtherCommandsAreOutlined() {
        CommandLine cl = tree("cluster");
        CommandLine cluster = cl.getSubcommands().get("cluster");
        assertThat(command(cluster)).isInstanceOf(ClusterCommand.class);
        assertThat(cluster.getSubcommands()).containsOnlyKeys("up", "status", "down", "list");
        assertThat(command(cluster.getSubcommands().get("up")) instanceof ClusterUpCommand).isFalse();
        assertThat(cl.getSubcommands()).containsKeys("print", "runs", "cancel");
        assertThat(command(cl.getSubcommands().get("runs")) instanceof RunsCommand).isFalse();

        CommandLine late = tree("-h", "runs");
        assertThat(late.getSubcommands()).containsKeys("print", "runs", "cancel");
        assertThat(command(late.getSubcommands().get("runs"))).isInstanceOf(RunsCommand.class);
        assertThat(command(late.getSubcommands().get("print")) instanceof PrintCommand).isFalse();
    }

    @Test
    void noOptionOrParameterIsOfATypeWhoseConverterIsLeftOut() {
        List<String> types = new ArrayList<>();
        List<CommandLine> todo = new ArrayList<>(List.of(Main.newCommandLine(new CliContext(Map.of(), home))));
        while (!todo.isEmpty()) {
            CommandLine cl = todo.remove(todo.size() - 1);
            todo.addAll(cl.getSubcommands().values());
            cl.getCommandSpec().args().forEach(a -> {
                types.add(a.type().getName());
                for (Class<?> aux : a.auxiliaryTypes()) {
                    types.add(aux.getName());
                }
            });
        }
        assertThat(types).contains("java.lang.String", "java.nio.file.Path");
        for (String excluded : Main.CONVERTERS_EXCLUDED.split(",")) {
            assertThat(types).noneMatch(t -> t.matches(excluded));
        }
    }

    private CommandLine tree(String... args) {
        return CommandTree.forArgs(new CommandFactory(new CliContext(Map.of(), home)), args);
    }

    private static Object command(CommandLine cl) {
        return cl.getCommand();
    }

    private static List<String> qualified(List<String> path) {
        List<String> q = new ArrayList<>();
        q.add("hpc-dask");
        q.addAll(path);
        return q;
    }

    private Outcome run(boolean fullTree, List<String> args) {
        CliContext context = new CliContext(Map.of("HPC_DASK_SITE_CONFIG", home.resolve("no-site-config.yaml").toString(),
                "HPC_DASK_HOME", home.resolve("hpc-dask-home").toString()), home);
        String[] argv = args.toArray(String[]::new);
        CommandLine cl = fullTree ? Main.newCommandLine(context) : Main.newCommandLine(context, argv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(argv);
        return new Outcome(code, out.toString(), err.toString());
    }
}
