package io.hpcdask.launcher.cli;

import picocli.CommandLine.Command;

@Command(name = "print", mixinStandardHelpOptions = true, description = "Print what hpc-dask would use.",
        subcommands = {PrintJobScriptCommand.class})
final class PrintCommand extends CommandGroup {
}
