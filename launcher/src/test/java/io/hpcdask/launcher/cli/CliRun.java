package io.hpcdask.launcher.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the CLI in-process with its own environment and home directory, capturing what it prints. */
public final class CliRun {
    public record Result(int exitCode, String out, String err) {}

    private final Map<String, String> env = new HashMap<>();
    private final Path home;

    public CliRun(Path home) {
        this.home = home;
        env.put("HPC_DASK_SITE_CONFIG", home.resolve("no-site-config.yaml").toString());
        env.put("DASK_ROOT_CONFIG", home.resolve("no-dask-root-config").toString()); // the machine's /etc/dask stays out
    }

    public CliRun env(String key, String value) {
        env.put(key, value);
        return this;
    }

    public Result run(String... args) {
        return run(new StringWriter(), new StringWriter(), args);
    }

    /** As {@link #run(String...)}, printing into {@code out} and {@code err}: a test may read them while it runs. */
    public Result run(StringWriter out, StringWriter err, String... args) {
        int code = Main.run(new CliContext(Map.copyOf(env), home), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }
}
