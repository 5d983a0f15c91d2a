package io.hpcdask.worker;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;

/**
 * {@code java -jar hpc-dask-worker.jar --probe HOST:PORT}: what {@code doctor} runs in a test job to learn whether a
 * compute node reaches the address workers would dial. It connects once, sends nothing, and prints one line to
 * stdout (the job's output file, which doctor reads); exit 0 when reached, 1 when not, 2 on bad arguments.
 */
final class Probe {
    /** The flag that asks for a probe rather than a worker. */
    static final String FLAG = "--probe";
    static final String USAGE = "usage: hpc-dask-worker " + FLAG + " HOST:PORT [--timeout SECONDS]";
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** Every line starts so, so doctor finds it among whatever else the job's prologue prints. */
    static final String PREFIX = "hpc-dask probe: ";

    private Probe() {
    }

    static boolean wanted(String[] args) {
        return args.length > 0 && (args[0].equals(FLAG) || args[0].startsWith(FLAG + "=") || args[0].equals("probe"));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        HostPort target;
        int timeoutMillis = CONNECT_TIMEOUT_MILLIS;
        try {
            String address = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.startsWith(FLAG + "=")) {
                    address = a.substring(FLAG.length() + 1);
                } else if ((a.equals(FLAG) || a.equals("probe")) && i + 1 < args.length && address == null) {
                    address = args[++i];
                } else if (a.equals("--timeout") && i + 1 < args.length) {
                    timeoutMillis = (int) GivenArgs.number(args[++i], "--timeout", "a whole number of seconds from 1 to 3600", 1,
                            3600) * 1000;
                } else {
                    throw new UsageException("unknown argument '" + a + "'; " + USAGE);
                }
            }
            if (address == null) {
                throw new UsageException(FLAG + ": missing HOST:PORT; " + USAGE);
            }
            target = HostPort.parse(FLAG, address);
        } catch (UsageException e) {
            err.println("hpc-dask-worker: " + e.getMessage());
            return WorkerMain.EXIT_BAD_INPUT;
        }
        String node = NodeFacts.host(env);
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.host(), target.port()), timeoutMillis);
            long millis = (System.nanoTime() - start) / 1_000_000;
            out.println(PREFIX + node + " reached " + target + " in " + millis + " ms");
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            // an unresolved InetSocketAddress fails as UnknownHostException, which ConnectFailure names
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            out.println(PREFIX + node + " could not reach " + target + ": " + ConnectFailure.describe(e) + " (" + detail
                    + ")");
            return WorkerMain.EXIT_FAILED;
        } finally {
            out.flush();
        }
    }
}
