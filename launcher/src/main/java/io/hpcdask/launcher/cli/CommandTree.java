package io.hpcdask.launcher.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command of {@code hpc-dask}, and the picocli tree built from them for one command line. Picocli reflecting
 * over all ~30 command classes (fields, mixins, generic types) was most of a short command's start, so only the
 * commands on the invoked path are built in full; every other command is its name and description as its
 * {@code @Command} says, which is all that help's command lists and the error messages about subcommands show, and
 * when the command line starts with a whole path to a command without subcommands, the others are left out. The
 * result parses, helps and fails exactly as the full tree (the test builds both and compares).
 */
final class CommandTree {
    private record Node(Class<?> type, List<Node> children) {
        String name() {
            return CommandSpecs.names(type)[0];
        }

        boolean isNamed(String arg) {
            for (String name : CommandSpecs.names(type)) {
                if (name.equals(arg)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static Node node(Class<?> type, Node... children) {
        return new Node(type, List.of(children));
    }

    /** The commands, in the order help lists them. */
    private static final Node ROOT = node(HpcDaskCommand.class,
            node(PrintCommand.class, node(PrintJobScriptCommand.class)),
            node(ConfigCommand.class, node(ConfigShowCommand.class)),
            node(DoctorCommand.class),
            node(ClusterCommand.class, node(ClusterUpCommand.class), node(ClusterStatusCommand.class), node(ClusterDownCommand.class),
                    node(ClusterListCommand.class)),
            node(ScaleCommand.class),
            node(AdaptCommand.class),
            node(WorkersCommand.class),
            node(DashboardCommand.class),
            node(SubmitCommand.class, node(SubmitRunCommand.class)),
            node(RunsCommand.class),
            node(LogsCommand.class),
            node(CancelCommand.class),
            node(RetryCommand.class),
            node(CompletionCommand.class));

    private CommandTree() {
    }

    /** Every command built in full, by picocli from its annotations. */
    static CommandLine full(IFactory factory) {
        return build(ROOT, factory, null, 0);
    }

    /**
     * The commands {@code args} invokes built in full, by the code generated from their annotations ({@link CommandSpecs}),
     * the others as name and description only, or left out.
     */
    static CommandLine forArgs(IFactory factory, String[] args) {
        return build(ROOT, factory, args, 0);
    }

    /** Every command's class, in the order help lists them, parents first. */
    static List<Class<?>> types() {
        List<Class<?>> types = new ArrayList<>();
        collect(ROOT, types);
        return types;
    }

    private static void collect(Node node, List<Class<?>> into) {
        into.add(node.type());
        node.children().forEach(child -> collect(child, into));
    }

    /**
     * Builds {@code node} in full and its children: all in full when {@code args} is null, else only the one the
     * first of {@code args[from..]} naming a child names. Group commands take no positional parameters and no
     * option values, so picocli descends at that same argument.
     */
    private static CommandLine build(Node node, IFactory factory, String[] args, int from) {
        CommandLine cl = args == null ? new CommandLine(node.type(), factory) : new CommandLine(generated(node, factory), factory);
        if (node != ROOT) {
            withoutVersion(cl.getCommandSpec());
        }
        if (node.children().isEmpty()) {
            return cl;
        }
        Node invoked = null;
        int next = 0;
        if (args != null) {
            for (int i = from; i < args.length && invoked == null; i++) {
                for (Node child : node.children()) {
                    if (child.isNamed(args[i])) {
                        invoked = child;
                        next = i + 1;
                        break;
                    }
                }
            }
        }
        // Named first, the invoked command is where picocli goes at once: nothing can show or name its siblings.
        // Each CommandLine, even an outline, costs picocli's per-instance set-up (its type converters), so they go.
        boolean siblingsUnseen = invoked != null && next == from + 1 && isLeafPath(invoked, args, next);
        for (Node child : node.children()) {
            if (args == null || child == invoked) {
                cl.addSubcommand(child.name(), build(child, factory, args, next));
            } else if (!siblingsUnseen) {
                cl.addSubcommand(child.name(), new CommandLine(CommandSpecs.outline(child.type())));
            }
        }
        return cl;
    }

    /**
     * {@code mixinStandardHelpOptions} gives every command {@code -V}; the version is the program's, asked of the top
     * command ({@code hpc-dask -V}), so a subcommand keeps only {@code -h}.
     */
    private static void withoutVersion(CommandSpec spec) {
        OptionSpec version = spec.findOption("--version");
        if (version != null && version.versionHelp()) {
            spec.remove(version);
        }
    }

    /** Whether {@code args[from..]} go on from {@code node} straight down to a command without subcommands. */
    private static boolean isLeafPath(Node node, String[] args, int from) {
        if (node.children().isEmpty()) {
            return true;
        }
        if (from >= args.length) {
            return false;
        }
        for (Node child : node.children()) {
            if (child.isNamed(args[from])) {
                return isLeafPath(child, args, from + 1);
            }
        }
        return false;
    }

    private static CommandSpec generated(Node node, IFactory factory) {
        try {
            return CommandSpecs.build(node.type(), factory);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CommandLine.InitializationException("cannot create " + node.type().getSimpleName() + ": " + e, e);
        }
    }
}
