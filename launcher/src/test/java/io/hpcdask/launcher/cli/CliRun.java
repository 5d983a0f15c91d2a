package io.hpcdask.launcher.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs hpc-dask in-process with HPC_DASK_HOME in a test directory and captures what it prints. */
public final class CliRun {
    public final int exitCode;
    public final String out;
    public final String err;

    private CliRun(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    public static CliRun run(Path hpcDaskHome, String... args) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("HPC_DASK_HOME", hpcDaskHome.toString());
        env.keySet().removeIf(k -> k.startsWith("HPC_DASK_") && !k.equals("HPC_DASK_HOME"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new CliContext(env, hpcDaskHome.resolve("user-home")), new PrintWriter(out), new PrintWriter(err), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
}
