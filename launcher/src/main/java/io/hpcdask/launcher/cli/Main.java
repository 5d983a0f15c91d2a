package io.hpcdask.launcher.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code hpc-dask} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        StartArchive.dropIfUnused(System.getProperty(StartArchive.PROPERTY), System.getProperty("java.vm.info"));
        CliContext context = CliContext.fromSystem();
        CommandLine cl = newCommandLine(context, args);
        int code = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        startDaemon(context, cl);
        System.exit(code);
    }

    /**
     * After a command the CLI daemon would have answered, ran the plain way: starts the daemon when none answers, so
     * the next such command is answered by it (see {@link io.hpcdask.launcher.cli.daemon.DaemonStarter}).
     */
    private static void startDaemon(CliContext context, CommandLine cl) {
        if (!io.hpcdask.launcher.cli.daemon.DaemonSettings.enabled(context.env()) || cl.getParseResult() == null) {
            return;
        }
        String classPath = System.getProperty("java.class.path");
        if (classPath == null || classPath.isEmpty() || classPath.contains(java.io.File.pathSeparator)
                || !ServedCalls.served(cl.getParseResult())) {
            return; // run from a build's classes (tests), not the jar a daemon would serve
        }
        io.hpcdask.launcher.cli.daemon.DaemonStarter.startIfAbsent(context.env(), java.nio.file.Path.of(classPath),
                CliDaemonMain.class.getName());
    }

    /** Runs one command line and returns its exit code; tests call this directly. */
    public static int run(String... args) {
        return newCommandLine(CliContext.fromSystem(), args).execute(args);
    }

    /** Runs in-process with an environment of the caller's choosing and captured output. */
    public static int run(CliContext context, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = newCommandLine(context, args);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** Every command built in full. */
    public static CommandLine newCommandLine(CliContext context) {
        return configure(CommandTree.full(new CommandFactory(context)), context);
    }

    /** What running {@code args} needs: the invoked commands in full, the others outlined (see {@link CommandTree}). */
    static CommandLine newCommandLine(CliContext context, String[] args) {
        return configure(CommandTree.forArgs(new CommandFactory(context), args), context);
    }

    /**
     * Picocli registers type converters for java.time and java.sql by reflection in every CommandLine, initialising
     * those classes (java.time's formatters and patterns): several percent of a short command. No option here is
     * of those types (a new one would fail at once with "No TypeConverter registered"); java.nio.file.Path stays.
     */
    static final String CONVERTERS_EXCLUDED = "java\\.time\\..*,java\\.sql\\..*";

    /**
     * Picocli looks for Groovy (closures as option values) and Jansi (colours on Windows) with Class.forName; neither
     * is in the jar, and each miss searches it: the first opens the jar (its table of 7,000 entries), which a command
     * whose classes all come from its class-data archive (cli-launch.sh) otherwise never does.
     */
    static final String[] ABSENT_LIBRARIES_OFF = {"picocli.disable.closures", "org.fusesource.jansi.Ansi.disable"};

    static {
        if (System.getProperty("picocli.converters.excludes") == null) {
            System.setProperty("picocli.converters.excludes", CONVERTERS_EXCLUDED);
        }
        for (String property : ABSENT_LIBRARIES_OFF) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, "true");
            }
        }
    }

    private static CommandLine configure(CommandLine cl, CliContext context) {
        JobOptions.addTo(cl);
        ErrorReporter reporter = new ErrorReporter(context);
        cl.setExecutionExceptionHandler(reporter);
        cl.setParameterExceptionHandler(reporter);
        cl.setExitCodeExceptionMapper(reporter);
        if (context.terminal().own()) {
            cl.setUsageHelpAutoWidth(true);
        } else { // another process's terminal (the CLI daemon's client): what picocli would have found there
            HelpLook.apply(cl, context);
        }
        return cl;
    }
}
