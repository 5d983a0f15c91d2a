package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print each effective setting and where it came from.",
            "Layers, lowest first: default, dask-jobqueue's jobqueue.yaml, site file, user file, profile (site, then user),"
                + " HPC_DASK_<KEY>, flags."})
final class ConfigShowCommand extends BaseCommand implements JobOptions.Command {
    ConfigShowCommand(CliContext context) {
        super(context);
    }

    @Mixin
    OutputOptions output;

    /** The JSON shape (docs/json/config-show.schema.json). */
    /** {@code daskFiles}: dask-jobqueue's jobqueue.yaml files read, the lowest layer. */
    record Json(int version, String siteFile, String userFile, List<String> daskFiles, Profile profile, List<Setting> settings) {}

    record Profile(String name, String origin) {}

    /** {@code value}: a string, a list for a repeatable key, null when unset; {@code origin}: the layer that set it. */
    record Setting(String key, Object value, boolean set, String origin) {}

    @Override
    int doCall() {
        OutputMode mode = output.mode(context);
        var loader = context.configLoader();
        Settings settings = JobOptions.settings(spec, context);
        ConfigWarnings.show(settings, err());
        List<Setting> shown = new ArrayList<>();
        for (Settings.Entry e : settings.entries()) {
            Object value = !e.isSet() ? null : e.key().repeatable() ? List.copyOf(e.raw()) : e.raw().get(0);
            String origin = e.source().origin();
            boolean set = e.isSet();
            if (e.key() == ConfigKeys.SYSTEM && !settings.isExplicit(ConfigKeys.SYSTEM)) {
                // what 'cluster up' and 'print job-script' do when no layer sets it
                value = null;
                set = false;
                origin = "unset: slurm where sbatch runs, pbs where qsub does, else local";
            }
            shown.add(new Setting(e.key().name(), value, set, origin));
        }
        Json json = new Json(1, String.valueOf(loader.siteFile()), String.valueOf(loader.userFile()),
                loader.daskFiles().stream().map(Path::toString).toList(),
                new Profile(settings.profile(), settings.profileSource() == null ? null : settings.profileSource().origin()), shown);
        mode.print(Report.of(json, out -> table(out, json), out -> shown.stream().filter(Setting::set)
                .forEach(x -> out.println(x.key() + "=" + x.value()))), out());
        return ExitCodes.OK;
    }

    private static void table(PrintWriter out, Json json) {
        out.printf("# site file: %s%n# user file: %s%n", json.siteFile(), json.userFile());
        out.printf("# dask-jobqueue files (lowest layer): %s%n", json.daskFiles().isEmpty() ? "(none)"
                : String.join(", ", json.daskFiles()));
        out.println(String.format("%-20s %-28s %s", "profile", json.profile().name() == null ? "(none)" : json.profile().name(),
                json.profile().origin() == null ? "" : "# " + json.profile().origin()).stripTrailing());
        for (Setting x : json.settings()) {
            String value = x.value() != null ? x.value().toString() : x.key().equals(ConfigKeys.SYSTEM.name()) ? "(found)" : "(unset)";
            out.printf("%-20s %-28s # %s%n", x.key(), value, x.origin());
        }
    }
}
