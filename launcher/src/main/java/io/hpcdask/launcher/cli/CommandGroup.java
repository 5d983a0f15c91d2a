package io.hpcdask.launcher.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands ({@code cluster}, {@code config}, ...): alone, it is bad input. */
abstract class CommandGroup implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand; expected one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
