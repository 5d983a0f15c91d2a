package io.hpcdask.launcher.cli;

import picocli.CommandLine.Command;

@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Start, inspect and stop a cluster.")
final class ClusterCommand extends CommandGroup {
}
