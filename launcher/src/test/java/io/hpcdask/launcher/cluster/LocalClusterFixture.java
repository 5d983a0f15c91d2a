package io.hpcdask.launcher.cluster;

import io.hpcdask.launcher.server.LocalWorkers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.launcher.cli.CliInHome;
import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.launcher.cli.RunsJson;
import io.hpcdask.server.api.RunView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Real local clusters for end-to-end tests: the CLI in-process, the server and workers as real processes, all under a
 * temporary HPC_DASK_HOME. {@link #close()} stops every cluster it started, killing what does not stop.
 */
final class LocalClusterFixture implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path home;
    private final List<String> names = new ArrayList<>();

    LocalClusterFixture(Path home) {
        this.home = home;
    }

    CliRun.Result cli(String... args) {
        return CliInHome.run(home, args);
    }

    CliRun.Result ok(String... args) {
        CliRun.Result r = cli(args);
        assertThat(r.exitCode()).as("hpc-dask %s%n%s", String.join(" ", args), CliInHome.describe(r)).isZero();
        return r;
    }

    /** Makes {@link #close()} stop a cluster started some other way. */
    void track(String name) {
        names.add(name);
    }

    CliRun.Result up(String name, String... options) {
        names.add(name);
        List<String> args = new ArrayList<>(List.of("cluster", "up", "--name", name));
        args.addAll(Arrays.asList(options));
        if (!args.contains("--system")) { // this machine has SLURM, which 'cluster up' would otherwise choose
            args.addAll(List.of("--system", "local"));
        }
        return ok(args.toArray(String[]::new));
    }

    ClusterDir dir(String name) {
        return new ClusterHome(home).cluster(name);
    }

    /** Stages runs and returns their ids. */
    List<String> submit(String name, String... submitArgs) {
        List<String> args = new ArrayList<>(List.of("submit", "run", "--name", name));
        args.addAll(Arrays.asList(submitArgs));
        return ok(args.toArray(String[]::new)).out().lines().filter(l -> !l.isBlank()).toList();
    }

    List<RunView> runs(String name) {
        return RunsJson.views(ok("runs", "--name", name, "--last", "0", "--output", "json").out());
    }

    RunView run(String name, String id) {
        return runs(name).stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no run " + id));
    }

    /** Waits until every run has ended and returns them all. */
    List<RunView> awaitEnded(String name, List<String> ids, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> runs(name).stream()
                .filter(r -> ids.contains(r.id())).filter(r -> List.of("completed", "error", "terminated", "lost", "timeout").contains(r.state()))
                .count() == ids.size());
        return runs(name).stream().filter(r -> ids.contains(r.id())).toList();
    }

    String serverLog(String name) {
        try {
            Path log = dir(name).serverLog();
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    long serverPid(String name) {
        return dir(name).readAccess().orElseThrow(() -> new AssertionError("cluster " + name + " has no access file")).pid();
    }

    @Override
    public void close() {
        for (String name : names) {
            ClusterDir dir = dir(name);
            long pid = dir.readAccess().map(AccessInfo::pid).orElse(-1L);
            cli("cluster", "down", "--name", name);
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroyForcibly();
                h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
            });
            if (Files.isDirectory(dir.workersDir())) { // workers of a server that was killed
                for (long w : LocalWorkers.pids(dir)) {
                    ProcessHandle.of(w).filter(h -> h.info().commandLine().map(c -> c.contains("hpc-dask-worker")).orElse(false))
                            .ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }
}
