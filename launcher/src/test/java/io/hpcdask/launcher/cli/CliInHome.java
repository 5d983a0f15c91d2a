package io.hpcdask.launcher.cli;

import java.io.StringWriter;
import java.nio.file.Path;

/** The CLI in-process with HPC_DASK_HOME set to a test directory. */
public final class CliInHome {
    private CliInHome() {
    }

    public static CliRun.Result run(Path hpcDaskHome, String... args) {
        return new CliRun(hpcDaskHome.resolve("user-home")).env("HPC_DASK_HOME", hpcDaskHome.toString()).run(args);
    }

    /** As {@link #run(Path, String...)}, printing into {@code out} and {@code err} as it goes. */
    public static CliRun.Result run(Path hpcDaskHome, StringWriter out, StringWriter err, String... args) {
        return new CliRun(hpcDaskHome.resolve("user-home")).env("HPC_DASK_HOME", hpcDaskHome.toString())
                .run(out, err, args);
    }

    public static String describe(CliRun.Result r) {
        return "exit " + r.exitCode() + "\n--- stdout ---\n" + r.out() + "--- stderr ---\n" + r.err();
    }
}
