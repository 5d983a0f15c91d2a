package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.config.Settings;
import java.io.PrintWriter;

/** Prints what the config layers could not honour (a dask-jobqueue key hpc-dask ignores) on stderr, one line each. */
final class ConfigWarnings {
    private ConfigWarnings() {
    }

    static void show(Settings settings, PrintWriter err) {
        for (String w : settings.warnings()) {
            err.println("warning: " + w);
        }
        err.flush();
    }
}
