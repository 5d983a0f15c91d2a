package io.hpcdask.launcher.cli;

import picocli.CommandLine.Command;

/** The top-level {@code hpc-dask} command; its subcommands are listed in {@link CommandTree}. */
@Command(
        name = "hpc-dask",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A central scheduler in front of HPC batch systems (SLURM, PBS, or local processes).",
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  success",
            "  1  the command failed (batch system, SSH, scheduler); the failure is shown verbatim",
            "  2  bad input: unknown option, malformed value or config file; nothing was written or submitted",
            "  3  no running cluster answers",
            "  4  the CLI daemon ended during the command, which may have taken effect (check with 'hpc-dask runs')",
        })
public final class HpcDaskCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
