package io.hpcdask.launcher.cli;

import picocli.CommandLine.Command;

@Command(name = "print", mixinStandardHelpOptions = true, description = "Print what hpc-dask would use.")
final class PrintCommand extends CommandGroup {
}
