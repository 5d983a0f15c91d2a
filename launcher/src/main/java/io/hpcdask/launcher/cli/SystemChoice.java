package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.batch.BatchSystemType;
import io.hpcdask.launcher.batch.BatchSystems;
import io.hpcdask.launcher.batch.LocalBatchSystem;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.config.Source;
import io.hpcdask.launcher.ssh.CommandResult;
import io.hpcdask.launcher.ssh.RemoteCommand;
import io.hpcdask.launcher.ssh.RemoteShell;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The batch system a command uses when {@code system} is not set anywhere: the first of {@link BatchSystems#ALL} whose
 * command is on the PATH of a login shell where batch commands run (over SSH or here), SLURM's {@code sbatch} before
 * PBS's {@code qsub}, else local processes. A dask-jobqueue user on a login node types no {@code --system}, so the
 * tool must find what the site has.
 *
 * @param settings the settings with {@code system} set
 * @param reason   one line for the terminal, e.g. {@code Using slurm: sbatch found on login (set 'system' to choose)}
 */
public record SystemChoice(Settings settings, String reason) {
    private static final List<BatchSystemType.Detection> DETECTIONS =
            BatchSystems.ALL.stream().map(BatchSystemType::detection).filter(d -> d != null).toList();
    private static final String PROBE = "for c in "
            + DETECTIONS.stream().map(BatchSystemType.Detection::command).collect(Collectors.joining(" "))
            + "; do command -v \"$c\" >/dev/null 2>&1 && echo \"found $c\"; done;"
            + DETECTIONS.stream().filter(d -> !d.probe().isEmpty()).map(d -> " " + d.probe() + ";").collect(Collectors.joining())
            + " hostname 2>/dev/null";

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
        String system = LocalBatchSystem.TYPE.name();
        String why = "neither " + DETECTIONS.stream().map(BatchSystemType.Detection::command).collect(Collectors.joining(" nor "))
                + " found on " + host + ", workers are processes here";
        for (BatchSystemType t : BatchSystems.ALL) {
            BatchSystemType.Detection d = t.detection();
            if (d != null && probeOutput.contains("found " + d.command())) {
                String flavour = d.flavour().apply(probeOutput);
                system = t.name();
                why = d.command() + " found on " + host + (flavour == null ? "" : " (" + flavour + ")");
                break;
            }
        }
        Settings chosen = settings.with(ConfigKeys.SYSTEM, system, new Source(ConfigKeys.SYSTEM.name(), "found on " + host));
        return new SystemChoice(chosen, "Using " + system + ": " + why + " (set 'system' to choose)");
    }
}
