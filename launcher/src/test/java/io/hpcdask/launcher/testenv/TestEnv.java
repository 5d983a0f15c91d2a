package io.hpcdask.launcher.testenv;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The real SLURM and sshd that {@code scripts/provision-test-env} sets up on this machine, described in
 * {@code /etc/hpc-dask-test/env} (KEY=VALUE lines), overridable by environment variables of the same names.
 * A test that needs one of them calls {@link #requireSlurm()} or {@link #requireSsh()}: without it the test is
 * skipped with a loud message, except under {@code CI=true}, where it fails, so CI can never pass by skipping.
 */
public final class TestEnv {
    public static final Path ENV_FILE = Path.of("/etc/hpc-dask-test/env");
    private static final Map<String, String> VALUES = load();

    private TestEnv() {
    }

    private static Map<String, String> load() {
        Map<String, String> values = new HashMap<>();
        if (Files.isReadable(ENV_FILE)) {
            try {
                for (String line : Files.readAllLines(ENV_FILE)) {
                    int eq = line.indexOf('=');
                    if (eq > 0 && !line.startsWith("#")) {
                        values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + ENV_FILE, e);
            }
        }
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("HPC_DASK_TEST_")) {
                values.put(k, v);
            }
        });
        return values;
    }

    public static String get(String key) {
        return VALUES.get(key);
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** A local SLURM controller and node that answer {@code sbatch}, {@code squeue}, {@code scancel}. */
    public static void requireSlurm() {
        require("1".equals(get("HPC_DASK_TEST_SLURM")), "SLURM",
                "HPC_DASK_TEST_SLURM=1 not set in " + ENV_FILE + "; run scripts/provision-test-env as root");
    }

    /** The loopback sshd: port in HPC_DASK_TEST_SSH_PORT, private key in HPC_DASK_TEST_SSH_KEY, user root. */
    public static void requireSsh() {
        require(get("HPC_DASK_TEST_SSH_PORT") != null && get("HPC_DASK_TEST_SSH_KEY") != null, "sshd",
                "HPC_DASK_TEST_SSH_PORT/HPC_DASK_TEST_SSH_KEY not set in " + ENV_FILE
                        + "; run scripts/provision-test-env as root");
    }

    public static int sshPort() {
        requireSsh();
        return Integer.parseInt(get("HPC_DASK_TEST_SSH_PORT"));
    }

    public static Path sshKey() {
        requireSsh();
        return Path.of(get("HPC_DASK_TEST_SSH_KEY"));
    }

    public static String sshUser() {
        String user = get("HPC_DASK_TEST_SSH_USER");
        return user == null ? "root" : user;
    }

    /**
     * The known_hosts line that pins the loopback sshd's host key ({@code [127.0.0.1]:PORT TYPE KEY}), so SSH
     * clients in tests can check the host key strictly instead of trusting whatever answers.
     */
    public static String hostKeyLine() {
        String file = get("HPC_DASK_TEST_SSH_HOST_KEY");
        Path path = Path.of(file == null ? "/etc/ssh/ssh_host_ed25519_key.pub" : file);
        try {
            String[] typeAndKey = Files.readString(path).trim().split("\\s+");
            return "[127.0.0.1]:" + sshPort() + " " + typeAndKey[0] + " " + typeAndKey[1];
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the test sshd's host key " + path, e);
        }
    }

    /** The partition jobs go to by default. */
    public static String slurmPartition() {
        String p = get("HPC_DASK_TEST_SLURM_PARTITION");
        return p == null ? "debug" : p;
    }

    /** Skips the test with a loud message when {@code present} is false, or fails it under {@code CI=true}. */
    public static void require(boolean present, String what, String why) {
        if (present) {
            return;
        }
        String message = "!!! " + what + " IS NOT AVAILABLE: " + why;
        System.err.println(message);
        if (inCi()) {
            fail(message + " (CI=true: a test that would skip fails instead)");
        }
        Assumptions.abort(message);
    }
}
