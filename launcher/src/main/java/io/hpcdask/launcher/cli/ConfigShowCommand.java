package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print each effective setting and where it came from.",
            "Layers, lowest first: default, site file, user file, profile (site, then user), HPC_DASK_<KEY>, flags."})
final class ConfigShowCommand implements Callable<Integer>, JobOptions.Command {
    @Spec
    CommandSpec spec;
    private final CliContext context;

    ConfigShowCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        var loader = context.configLoader();
        Settings settings = JobOptions.settings(spec, context);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("# site file: %s%n# user file: %s%n", loader.siteFile(), loader.userFile());
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
        out.flush();
        return ExitCodes.OK;
    }
}
