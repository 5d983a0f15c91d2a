package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.cli.daemon.CallHandler;
import io.hpcdask.launcher.cli.daemon.CallRequest;
import io.hpcdask.launcher.remote.RemoteCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Which calls the CLI daemon answers, and how: only those it answers exactly as the plain JVM path would. Usage help,
 * the version, bad input, and the short commands below on a cluster whose server runs on this machine. Not served:
 * what starts or stops processes or holds a terminal ({@code cluster up/down}, {@code dashboard}, ...), a cluster on a
 * login node (SSH, its agent and its prompts belong to the caller's process), {@code print job-script} without
 * {@code --system} (it may ask a login node), and a call whose environment names a path relative to its directory or
 * another locale than the daemon's (a JVM resolves and decodes those against its own).
 */
final class ServedCalls implements CallHandler {
    static final Set<Class<?>> COMMANDS = Set.of(PrintJobScriptCommand.class, SubmitRunCommand.class, RunsCommand.class,
            ClusterStatusCommand.class, WorkersCommand.class, LogsCommand.class, CancelCommand.class, RetryCommand.class,
            ScaleCommand.class);
    /** Variables whose value is a path, read by the commands above. */
    static final List<String> PATH_VARIABLES = List.of("HPC_DASK_HOME", "HPC_DASK_CONFIG", "HPC_DASK_SITE_CONFIG",
            "XDG_CONFIG_HOME", "DASK_CONFIG", "DASK_ROOT_CONFIG", "HOME");
    /** What sets the JVM's default charset, with which output is encoded. */
    static final List<String> LOCALE_VARIABLES = List.of("LC_ALL", "LC_CTYPE", "LANG");

    private final Map<String, String> ownEnv;
    private final Path home;

    ServedCalls(Map<String, String> ownEnv, Path home) {
        this.ownEnv = ownEnv;
        this.home = home;
    }

    @Override
    public Call accept(CallRequest r) {
        for (String v : LOCALE_VARIABLES) {
            if (!java.util.Objects.equals(ownEnv.get(v), r.env().get(v))) {
                return null;
            }
        }
        for (String v : PATH_VARIABLES) {
            String value = r.env().get(v);
            if (value != null && !value.isEmpty() && !value.startsWith("/")) {
                return null;
            }
        }
        CliContext context = new CliContext(r.env(), home, Path.of(r.cwd()),
                Terminal.of(r.stdinTty() && r.stdoutTty(), r.columns()));
        String[] args = r.args().toArray(new String[0]);
        if (!served(context, args)) {
            return null;
        }
        return (out, err) -> Main.run(context, out, err, args);
    }

    /** Whether {@code args} are a call the daemon answers, decided by parsing them alone. */
    static boolean served(CliContext context, String[] args) {
        CommandLine cl = Main.newCommandLine(context, args);
        ParseResult parsed;
        try {
            parsed = cl.parseArgs(args);
        } catch (ParameterException e) {
            return true; // bad input: one line and exit 2, nothing done
        }
        return served(parsed);
    }

    /** Whether a call so parsed is one the daemon answers, or started one after the JVM path ran it. */
    static boolean served(ParseResult parsed) {
        ParseResult leaf = parsed;
        while (true) {
            if (leaf.isUsageHelpRequested() || leaf.isVersionHelpRequested()) {
                return true;
            }
            if (!leaf.hasSubcommand()) {
                break;
            }
            leaf = leaf.subcommand();
        }
        Object command = leaf.commandSpec().userObject();
        if (command instanceof HpcDaskCommand) {
            return true; // the usage
        }
        if (!COMMANDS.contains(command.getClass())) {
            return false;
        }
        if (command instanceof PrintJobScriptCommand) {
            return leaf.hasMatchedOption("--system");
        }
        if (command instanceof ClusterClientCommand c) {
            try {
                return !java.nio.file.Files.exists(c.dir().path().resolve(RemoteCluster.FILE));
            } catch (RuntimeException e) {
                return true; // bad input (no cluster named among several): the command says so, doing nothing
            }
        }
        return true;
    }
}
