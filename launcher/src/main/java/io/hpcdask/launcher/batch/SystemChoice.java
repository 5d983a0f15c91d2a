package io.hpcdask.launcher.batch;

import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.config.Source;
import io.hpcdask.launcher.ssh.CommandResult;
import io.hpcdask.launcher.ssh.RemoteCommand;
import io.hpcdask.launcher.ssh.RemoteShell;

/**
 * The batch system a command uses when {@code system} is not set anywhere: SLURM when {@code sbatch} is on the PATH
 * of a login shell where batch commands run (over SSH or here), PBS when {@code qsub} is, else local processes. A
 * dask-jobqueue user on a login node types no {@code --system}, so the tool must find what the site has.
 *
 * @param settings the settings with {@code system} set
 * @param reason   one line for the terminal, e.g. {@code Using slurm: sbatch found on login (set 'system' to choose)}
 */
public record SystemChoice(Settings settings, String reason) {
    private static final String PROBE = "for c in sbatch qsub; do command -v \"$c\" >/dev/null 2>&1 && echo \"found $c\"; done;"
            + " command -v qstat >/dev/null 2>&1 && qstat --version 2>&1 | head -n 2; hostname 2>/dev/null";

    /** {@code settings} as they are when {@code system} was set explicitly, else with the system found on {@code shell}. */
    public static SystemChoice of(Settings settings, RemoteShell shell) {
        if (settings.isExplicit(ConfigKeys.SYSTEM)) {
            return new SystemChoice(settings, null);
        }
        CommandResult r = shell.run(RemoteCommand.query(PROBE));
        return choose(settings, r.stdout(), shell.where());
    }

    /** The choice from the probe's output: {@code found X} lines, qstat's version lines, and the host name last. */
    static SystemChoice choose(Settings settings, String probeOutput, String where) {
        String[] lines = probeOutput.strip().split("\n");
        String host = lines.length > 0 && !lines[lines.length - 1].startsWith("found ") ? lines[lines.length - 1].strip() : where;
        if (host.isEmpty()) {
            host = where;
        }
        boolean sbatch = probeOutput.contains("found sbatch");
        boolean qsub = probeOutput.contains("found qsub");
        String system;
        String why;
        if (sbatch) {
            system = "slurm";
            why = "sbatch found on " + host;
        } else if (qsub) {
            system = "pbs";
            String flavour = probeOutput.contains("pbs_version") ? "PBS Pro" : probeOutput.contains("Version:") ? "Torque" : "PBS";
            why = "qsub found on " + host + " (" + flavour + ")";
        } else {
            system = "local";
            why = "neither sbatch nor qsub found on " + host + ", workers are processes here";
        }
        Settings chosen = settings.with(ConfigKeys.SYSTEM, system, new Source(ConfigKeys.SYSTEM.name(), "found on " + host));
        return new SystemChoice(chosen, "Using " + system + ": " + why + " (set 'system' to choose)");
    }
}
