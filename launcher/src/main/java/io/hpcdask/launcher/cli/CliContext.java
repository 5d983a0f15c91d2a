package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command reads from the world outside its arguments: the environment, the home directory, the current
 * directory and the terminal. Passed in, not read from statics, so tests run commands in-process with an environment
 * of their own, and the CLI daemon runs each call with its client's.
 */
public record CliContext(Map<String, String> env, Path home, Path cwd, Terminal terminal) {

    /** A context of this process's environment and home, with its current directory and terminal. */
    public CliContext(Map<String, String> env, Path home) {
        this(env, home, Path.of(System.getProperty("user.dir")), Terminal.SYSTEM);
    }

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

    /** {@code path} as the user meant it: a relative one against the caller's current directory. */
    Path resolve(Path path) {
        return cwd.resolve(path);
    }
}
