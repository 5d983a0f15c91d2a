package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

@Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print each effective setting and where it came from.",
            "Layers, lowest first: default, dask-jobqueue's jobqueue.yaml, site file, user file, profile (site, then user),"
                + " HPC_DASK_<KEY>, flags."})
final class ConfigShowCommand extends BaseCommand implements JobOptions.Command {
    ConfigShowCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() {
        var loader = context.configLoader();
        Settings settings = JobOptions.settings(spec, context);
        PrintWriter out = out();
        out.printf("# site file: %s%n# user file: %s%n", loader.siteFile(), loader.userFile());
        List<Path> dask = loader.daskFiles();
        out.printf("# dask-jobqueue files (lowest layer): %s%n", dask.isEmpty() ? "(none)"
                : dask.stream().map(Path::toString).collect(Collectors.joining(", ")));
        ConfigWarnings.show(settings, err());
        out.println(String.format("%-20s %-28s %s", "profile", settings.profile() == null ? "(none)" : settings.profile(),
                settings.profileSource() == null ? "" : "# " + settings.profileSource().origin()).stripTrailing());
        for (Settings.Entry e : settings.entries()) {
            String value = !e.isSet() ? "(unset)" : e.key().repeatable() ? e.raw().toString() : e.raw().get(0);
            String origin = e.source().origin();
            if (e.key() == ConfigKeys.SYSTEM && !settings.isExplicit(ConfigKeys.SYSTEM)) {
                // what 'cluster up' and 'print job-script' do when no layer sets it
                value = "(found)";
                origin = "unset: slurm where sbatch runs, pbs where qsub does, else local";
            }
            out.printf("%-20s %-28s # %s%n", e.key().name(), value, origin);
        }
        return ExitCodes.OK;
    }
}
