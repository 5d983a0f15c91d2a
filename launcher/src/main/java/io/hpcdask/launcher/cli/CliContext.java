package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command reads from the world outside its arguments: the environment and the home directory. Passed in, not
 * read from statics, so tests run commands in-process with an environment of their own.
 */
public record CliContext(Map<String, String> env, Path home) {

    public static CliContext fromSystem() {
        return new CliContext(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    public ConfigLoader configLoader() {
        return new ConfigLoader(env, home);
    }

    /** {@code $HPC_DASK_HOME}, default {@code ~/.hpc-dask}: clusters, the worker jar cache. */
    public Path hpcDaskHome() {
        String h = env.get("HPC_DASK_HOME");
        return h != null && !h.isEmpty() ? Path.of(h) : home.resolve(".hpc-dask");
    }
}
