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
        return newCommandLine().execute(args);
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = newCommandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new HpcDaskCommand());
        cl.setExecutionExceptionHandler(new ErrorReporter());
        cl.setParameterExceptionHandler(new ErrorReporter());
        cl.setExitCodeExceptionMapper(ErrorReporter::exitCodeOf);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }
}
