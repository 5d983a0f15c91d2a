package io.hpcdask.launcher.cli;

import picocli.CommandLine.Command;

@Command(name = "config", mixinStandardHelpOptions = true, description = "Inspect the layered configuration.")
final class ConfigCommand extends CommandGroup {
}
