package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.config.ConfigException;
import io.hpcdask.protocol.InvalidValueException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns failures into the exit-code contract: one clear line for bad input (exit 2), the failure verbatim for a
 * failed command (exit 1 or its own code). Stack traces only with HPC_DASK_DEBUG set.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler, IExitCodeExceptionMapper {
    /** Whether stack traces are shown: HPC_DASK_DEBUG set in the caller's environment. */
    private final boolean debug;

    ErrorReporter(CliContext context) {
        this.debug = context.env().get("HPC_DASK_DEBUG") != null;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        cl.getErr().println("hpc-dask: " + ex.getMessage() + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        String suggestion = ex instanceof UnmatchedArgumentException u ? Suggestions.line(u, args) : null;
        if (suggestion != null) {
            cl.getErr().println(suggestion);
        }
        cl.getErr().flush();
        return ExitCodes.BAD_INPUT;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        if (debug) {
            ex.printStackTrace(cl.getErr());
        }
        cl.getErr().println(lineFor(ex));
        cl.getErr().flush();
        return exitCodeOf(ex);
    }

    /**
     * A class, not a method reference: the static class-data archive (cli-launch.sh) leaves out a lambda of picocli's
     * interfaces (Java 5 class files) and, with it, this class and picocli's handlers, then read from the jar at every
     * command.
     */
    @Override
    public int getExitCode(Throwable exception) {
        return exitCodeOf(exception);
    }

    static String lineFor(Throwable ex) {
        if (ex instanceof BadInputException || ex instanceof CommandFailedException || ex instanceof ConfigException
                || ex instanceof ParameterException || ex instanceof io.hpcdask.launcher.remote.RemoteServerException
                || ex instanceof io.hpcdask.launcher.cluster.UntrustedFileException) {
            return "hpc-dask: " + ex.getMessage();
        }
        if (ex instanceof InvalidValueException) {
            return "hpc-dask: invalid value: " + ex.getMessage();
        }
        return "hpc-dask: internal error: " + ex + " (set HPC_DASK_DEBUG=1 for a stack trace)";
    }

    static int exitCodeOf(Throwable ex) {
        if (ex instanceof BadInputException || ex instanceof InvalidValueException || ex instanceof ParameterException
                || ex instanceof ConfigException) {
            return ExitCodes.BAD_INPUT;
        }
        if (ex instanceof CommandFailedException f) {
            return f.exitCode();
        }
        return ExitCodes.FAILED;
    }
}
