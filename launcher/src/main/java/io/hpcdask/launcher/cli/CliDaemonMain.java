package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.cli.daemon.DaemonPlace;
import io.hpcdask.launcher.cli.daemon.DaemonServer;
import io.hpcdask.launcher.cli.daemon.DaemonSettings;
import io.hpcdask.launcher.cli.daemon.JarStamp;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.server.files.PrivateFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI daemon's JVM ({@link io.hpcdask.launcher.cli.daemon}): serves the commands {@link ServedCalls} answers,
 * from the jar it was started from. Started by {@link Main} after a command the plain way; exits 0 when another
 * daemon already serves, 2 on a bad {@code HPC_DASK_CLI_DAEMON_IDLE}, 1 when its place is not safe.
 */
public final class CliDaemonMain {
    private CliDaemonMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Duration idle;
        try {
            idle = DaemonSettings.idle(env);
        } catch (IllegalArgumentException e) {
            System.err.println("hpc-dask: " + e.getMessage());
            System.exit(ExitCodes.BAD_INPUT);
            return;
        }
        Path dir = DaemonPlace.directory(env, PrivateFiles.currentUid());
        Optional<DaemonPlace> place = DaemonPlace.prepare(dir);
        if (place.isEmpty()) {
            System.err.println("hpc-dask: no CLI daemon: " + DaemonPlace.unsafeReason(dir));
            System.exit(ExitCodes.FAILED);
            return;
        }
        JarStamp jar = JarStamp.of(Path.of(System.getProperty("java.class.path")));
        ServedCalls calls = new ServedCalls(env, Path.of(System.getProperty("user.home")));
        new DaemonServer(place.get(), jar, idle, calls).serve();
        System.exit(ExitCodes.OK);
    }
}
