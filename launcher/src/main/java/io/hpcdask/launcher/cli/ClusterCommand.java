package io.hpcdask.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Start, inspect and stop a cluster.",
        subcommands = {ClusterUpCommand.class, ClusterStatusCommand.class, ClusterDownCommand.class})
final class ClusterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand; expected one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
