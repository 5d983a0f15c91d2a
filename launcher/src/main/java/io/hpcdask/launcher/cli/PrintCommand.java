package io.hpcdask.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "print", mixinStandardHelpOptions = true, description = "Print what hpc-dask would use.",
        subcommands = {PrintJobScriptCommand.class})
final class PrintCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand; expected one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
