package io.hpcdask.launcher.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code hpc-dask} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code; tests call this directly. */
    public static int run(String... args) {
        return newCommandLine(CliContext.fromSystem()).execute(args);
    }

    /** Runs in-process with an environment of the caller's choosing and captured output. */
    public static int run(CliContext context, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = newCommandLine(context);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    public static CommandLine newCommandLine(CliContext context) {
        CommandLine cl = new CommandLine(HpcDaskCommand.class, new CommandFactory(context));
        JobOptions.addTo(cl);
        cl.setExecutionExceptionHandler(new ErrorReporter());
        cl.setParameterExceptionHandler(new ErrorReporter());
        cl.setExitCodeExceptionMapper(ErrorReporter::exitCodeOf);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }
}
