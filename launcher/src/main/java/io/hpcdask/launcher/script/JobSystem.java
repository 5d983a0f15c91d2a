package io.hpcdask.launcher.script;

import java.util.Locale;

/** What a job script differs in per batch system: its header template and the prefix of extra directives. */
public enum JobSystem {
    SLURM("#SBATCH"),
    PBS("#PBS"),
    /** Local processes read no directives; extra directives are kept as comments so nothing is silently lost. */
    LOCAL("#");

    private final String directivePrefix;

    JobSystem(String directivePrefix) {
        this.directivePrefix = directivePrefix;
    }

    public static JobSystem of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    public String directivePrefix() {
        return directivePrefix;
    }

    public String headerTemplate() {
        return name().toLowerCase(Locale.ROOT) + "-header.ftl";
    }
}
