package io.hpcdask.launcher.cli.daemon;

import io.hpcdask.server.files.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the daemon from the plain JVM path, after a command it would serve ran the normal way: when it is on, its
 * place is safe and no daemon answers there. Detached (its own session, its output to its log, standard input from
 * /dev/null) and light (the serial GC, a small heap); the command does not wait for it.
 */
public final class DaemonStarter {
    static final Path SETSID = Path.of("/usr/bin/setsid");
    /** The daemon's JVM: a small heap, the serial collector, and C1 alone, which is enough for short commands. */
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx160m", "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData", "-Xss512k");

    private DaemonStarter() {
    }

    /**
     * Starts a daemon for {@code jar} unless one answers; returns its process when one was started. Never fails the
     * command: a daemon that cannot start leaves the JVM path as it was.
     *
     * @param mainClass the daemon's entry point (the CLI's, which this package does not know)
     */
    public static Optional<Process> startIfAbsent(Map<String, String> env, Path jar, String mainClass) {
        if (!DaemonSettings.enabled(env)) {
            return Optional.empty();
        }
        try {
            DaemonSettings.idle(env);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the daemon would refuse it: the JVM path carries on alone
        }
        Optional<DaemonPlace> place = DaemonPlace.prepare(DaemonPlace.directory(env, PrivateFiles.currentUid()));
        if (place.isEmpty()) {
            return Optional.empty();
        }
        String jarPath = jar.toAbsolutePath().toString();
        if (answers(place.get().socket(jarPath))) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            cmd.add(SETSID.toString());
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_OPTIONS);
        cmd.addAll(List.of("-cp", jarPath, mainClass));
        try {
            Path log = place.get().log(jarPath);
            PrivateFiles.createFile(log);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(place.get().dir().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return Optional.of(pb.start());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether a daemon listens on {@code socket}. */
    public static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
