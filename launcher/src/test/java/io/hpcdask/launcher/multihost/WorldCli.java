package io.hpcdask.launcher.multihost;

import io.hpcdask.launcher.multihost.MultiHost.Result;
import io.hpcdask.launcher.shell.ShellQuote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hpc-dask CLI as a person types it in the multi-host world: on the laptop as the laptop user, or on login as the
 * cluster user, each with an HPC_DASK_HOME of its own (so tests never see each other's clusters) and, where given, a
 * config file.
 */
final class WorldCli {
    static final Duration COMMAND = Duration.ofMinutes(4);
    private static final Pattern PID = Pattern.compile("pid (\\d+)");

    private final boolean laptop;
    private final String home;
    private final String config;

    private WorldCli(boolean laptop, String home, String config) {
        this.laptop = laptop;
        this.home = home;
        this.config = config;
    }

    /** On the laptop, HPC_DASK_HOME in a fresh directory of the laptop user's home. */
    static WorldCli laptop() {
        return new WorldCli(true, MultiHost.home(MultiHost.laptopUser()) + "/.hpc-dask-it-" + shortId(), null);
    }

    /** On login, as the cluster user; {@code configYaml} (may be null) becomes the user config file. */
    static WorldCli login(String configYaml) {
        String home = MultiHost.home(MultiHost.clusterUser()) + "/.hpc-dask-it-" + shortId();
        WorldCli cli = new WorldCli(false, home, configYaml == null ? null : home + "/config.yaml");
        if (configYaml != null) {
            MultiHost.onLogin(Duration.ofSeconds(30), "mkdir -p " + ShellQuote.quote(home) + " && printf '%s' "
                    + ShellQuote.quote(configYaml) + " > " + ShellQuote.quote(cli.config)).assertOk();
        }
        return cli;
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** {@code hpc-dask ARGS...}, waiting up to {@link #COMMAND}. */
    Result run(String... args) {
        return run(COMMAND, args);
    }

    Result run(Duration timeout, String... args) {
        String script = script(args);
        return laptop ? MultiHost.asLaptop(Map.of(), timeout, script) : MultiHost.onLogin(Map.of(), timeout, script);
    }

    /** Starts {@code hpc-dask ARGS...} on the laptop without waiting (its pid is the JVM's: every step execs). */
    MultiHost.Running startOnLaptop(String... args) {
        if (!laptop) {
            throw new IllegalStateException("startOnLaptop is for the laptop's CLI");
        }
        return MultiHost.startAsLaptop(Map.of(), script(args));
    }

    private String script(String... args) {
        List<String> words = new ArrayList<>(List.of("java", "-jar", MultiHost.cliJar().toString()));
        words.addAll(List.of(args));
        return "export HPC_DASK_HOME=" + ShellQuote.quote(home)
                + (config == null ? "" : "; export HPC_DASK_CONFIG=" + ShellQuote.quote(config))
                + "; exec " + ShellQuote.join(words);
    }

    /** As {@link #run}, throwing with everything printed unless it exited 0. */
    Result ok(String... args) {
        return run(args).assertOk();
    }

    /** The server's pid (on the login node for both kinds of client) from what {@code cluster up} printed. */
    static long serverPid(Result up) {
        Matcher m = PID.matcher(up.stdout());
        if (!m.find()) {
            throw new AssertionError("no server pid in " + up);
        }
        return Long.parseLong(m.group(1));
    }

    /** Whether a scheduler server with this pid lives on login. */
    static boolean serverAlive(long pid) {
        return MultiHost.onLogin(Duration.ofSeconds(30), "grep -qa ServerMain /proc/" + pid + "/cmdline").ok();
    }

    /** Ends what a test left behind: a server by its pid on login, and the cluster user's jobs. */
    static void cleanUp(List<Long> serverPids) {
        for (long pid : serverPids) {
            if (serverAlive(pid)) {
                MultiHost.onLogin(Duration.ofSeconds(30), "kill -TERM " + pid);
            }
        }
        MultiHost.onLogin(Duration.ofSeconds(30), "scancel -u " + MultiHost.clusterUser());
    }
}
