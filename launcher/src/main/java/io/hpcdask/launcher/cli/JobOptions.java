package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.batch.BatchSystems;
import io.hpcdask.launcher.config.ConfigKey;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.ConfigValue;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.config.Source;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The job options (one flag per config key, same name) and {@code --profile}, added to every command that
 * implements {@link Command}. Generated from {@link ConfigKeys} so a flag and its config key cannot drift apart.
 */
public final class JobOptions {
    public static final String PROFILE = "--profile";

    /** Marks a command that takes the job options. */
    public interface Command {
    }

    private JobOptions() {
    }

    static void addTo(CommandLine cl) {
        if (cl.getCommand() instanceof Command) {
            CommandSpec spec = cl.getCommandSpec();
            spec.addOption(OptionSpec.builder(PROFILE).paramLabel("NAME").type(String.class)
                    .description("use the settings of this profile from the config files").build());
            for (ConfigKey key : ConfigKeys.ALL) {
                if (ConfigKeys.CONNECTION.contains(key)) {
                    continue;
                }
                OptionSpec.Builder b = OptionSpec.builder(key.flag()).paramLabel(label(key)).arity("1")
                        .description(key.description() + (key.defaultValue() == null ? "" : " (default: " + key.defaultValue() + ")"));
                if (key.repeatable()) {
                    b.type(List.class).auxiliaryTypes(String.class);
                } else {
                    b.type(String.class);
                }
                List<String> values = values(key);
                if (!values.isEmpty()) { // what shell completion offers (hpc-dask completion)
                    b.completionCandidates(values);
                }
                spec.addOption(b.build());
            }
        }
        for (CommandLine sub : cl.getSubcommands().values()) { // a loop, not a method reference: no call site to link
            addTo(sub);
        }
    }

    /** The effective settings of a command: config layers with its flags on top. */
    public static Settings settings(CommandSpec spec, CliContext context) {
        return settings(spec, context, null);
    }

    /** The profile given with {@code --profile}, or null. */
    public static String profile(CommandSpec spec) {
        OptionSpec profile = spec.findOption(PROFILE);
        return spec.commandLine().getParseResult().hasMatchedOption(profile) ? profile.getValue() : null;
    }

    /** As {@link #settings(CommandSpec, CliContext)} for the named profile instead of {@code --profile}. */
    public static Settings settings(CommandSpec spec, CliContext context, String profileOverride) {
        ParseResult parsed = spec.commandLine().getParseResult();
        List<ConfigValue> flags = new ArrayList<>();
        for (ConfigKey key : ConfigKeys.ALL) {
            OptionSpec option = spec.findOption(key.flag());
            if (option != null && parsed.hasMatchedOption(option)) {
                Object v = option.getValue();
                List<String> raw = new ArrayList<>();
                if (v instanceof List<?> list) {
                    list.forEach(x -> raw.add(String.valueOf(x)));
                } else {
                    raw.add(String.valueOf(v));
                }
                flags.add(new ConfigValue(key, raw, Source.flag(key)));
            }
        }
        return context.configLoader().load(flags, profileOverride != null ? profileOverride : profile(spec));
    }

    private static List<String> values(ConfigKey key) {
        return switch (key.kind()) {
            case SYSTEM -> BatchSystems.NAMES;
            case SERVER -> List.of("remote", "here");
            case BOOLEAN -> List.of("true", "false");
            default -> List.of();
        };
    }

    private static String label(ConfigKey key) {
        return switch (key.kind()) {
            case POSITIVE_INT -> "N";
            case SECONDS -> "SECONDS";
            case MEMORY -> "SIZE";
            case WALLTIME -> "TIME";
            case RESOURCES -> "'NAME=N ...'";
            case DIRECTIVE_PATH, NODE_PATH, PATH -> "DIR";
            case SCHEDULER_ADDRESS -> "HOST:PORT";
            case INTERFACE -> "NAME";
            case SERVER -> "remote|here";
            case SYSTEM -> String.join("|", BatchSystems.NAMES);
            case BOOLEAN -> "true|false";
            case WORKER_JAVA -> "auto|bundled|JAVA";
            case COMMAND_LINE -> "'CMD ARGS...'";
            default -> "TEXT";
        };
    }
}
