package io.hpcdask.launcher.cli;

import picocli.CommandLine.Option;

/**
 * {@code -o/--output json|table|quiet} for every command that prints data; {@code HPC_DASK_OUTPUT} is its default.
 * {@code --json} stays as a hidden alias of {@code --output json}, the form {@code runs} had first.
 */
public final class OutputOptions {
    static final String ENV = "HPC_DASK_OUTPUT";

    @Option(names = {"-o", "--output"}, paramLabel = "MODE",
            description = "table (default), json (one documented shape, see docs/json/) or quiet (ids only, one per line);"
                    + " default from $" + ENV)
    String output;
    @Option(names = "--json", hidden = true, description = "the same as --output json")
    boolean json;

    /**
     * The mode asked for: the flag, else the environment, else a table; bad input names the accepted values. A command
     * asks before it does anything, so a bad mode writes and submits nothing.
     */
    OutputMode mode(CliContext context) {
        if (json && output != null && OutputMode.parse(output, "--output") != OutputMode.JSON) {
            throw new io.hpcdask.launcher.failure.BadInputException("--json and --output " + output
                    + " contradict each other; give one (--json is --output json)");
        }
        if (json) {
            return OutputMode.JSON;
        }
        if (output != null) {
            return OutputMode.parse(output, "--output");
        }
        String env = context.env().get(ENV);
        return env == null || env.isBlank() ? OutputMode.TABLE : OutputMode.parse(env, ENV);
    }
}
