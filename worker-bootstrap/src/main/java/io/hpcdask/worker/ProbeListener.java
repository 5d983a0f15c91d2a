package io.hpcdask.worker;

import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.protocol.WorkerAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The login-node end of {@code doctor}'s network check:
 * {@code java -cp hpc-dask-worker.jar io.hpcdask.worker.ProbeListener [--interface NAME] [--toward HOST]
 * --seconds N --port-file FILE}. It listens where a scheduler would ({@link WorkerAddresses#choose}) on a port of
 * its own, writes {@code HOST:PORT}, {@code pid N} and how the address was chosen to the port file (atomically, so
 * a reader never sees half of it), accepts and closes connections until the deadline, then removes the file and
 * exits. When no address can be chosen the file holds {@code error: MESSAGE} instead, so the caller need not wait.
 */
public final class ProbeListener {
    static final String USAGE = "usage: java -cp hpc-dask-worker.jar " + ProbeListener.class.getName()
            + " [--interface NAME] [--toward HOST] --seconds N --port-file FILE";

    private ProbeListener() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String iface = null;
        String toward = null;
        Integer seconds = null;
        Path portFile = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                return usage(args[i] + ": missing value");
            }
            switch (args[i]) {
                case "--interface" -> iface = value.isBlank() ? null : value;
                case "--toward" -> toward = value.isBlank() ? null : value;
                case "--seconds" -> {
                    try {
                        seconds = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        return usage("--seconds: '" + value + "' is not a whole number");
                    }
                }
                case "--port-file" -> portFile = Path.of(value);
                default -> {
                    return usage("unknown argument '" + args[i] + "'");
                }
            }
            i++;
        }
        if (seconds == null || seconds < 1 || portFile == null) {
            return usage("--seconds (>= 1) and --port-file are required");
        }
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        WorkerAddresses.Choice choice;
        try {
            choice = WorkerAddresses.choose(iface, toward);
        } catch (InvalidValueException e) {
            return failed(portFile, "--interface: " + e.getMessage());
        }
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName(choice.host()), 0));
            String host = choice.host().contains(":") ? "[" + choice.host() + "]" : choice.host();
            writeAtomically(portFile, host + ":" + server.getLocalPort() + "\npid " + ProcessHandle.current().pid()
                    + "\n" + choice.why() + "\n");
            try {
                acceptUntil(server, deadline);
            } finally {
                Files.deleteIfExists(portFile);
            }
            return 0;
        } catch (IOException e) {
            return failed(portFile, "cannot listen on " + choice.host() + " (" + choice.why() + "): " + e.getMessage());
        }
    }

    /** Connections are closed at once: the probe only needs its connect to succeed. */
    private static void acceptUntil(ServerSocket server, long deadline) throws IOException {
        long left;
        while ((left = deadline - System.currentTimeMillis()) > 0) {
            server.setSoTimeout((int) Math.max(1, left));
            try (Socket ignored = server.accept()) {
                // reached
            } catch (SocketTimeoutException e) {
                return;
            }
        }
    }

    private static int failed(Path portFile, String message) {
        System.err.println("hpc-dask probe listener: " + message);
        try {
            writeAtomically(portFile, "error: " + message.replace('\n', ' ') + "\n");
        } catch (IOException e) {
            System.err.println("hpc-dask probe listener: cannot write " + portFile + ": " + e.getMessage());
        }
        return 1;
    }

    private static int usage(String message) {
        System.err.println("hpc-dask probe listener: " + message + "; " + USAGE);
        return 2;
    }

    static void writeAtomically(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
