package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.launcher.failure.ExitCodes;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers that run but cannot reach the scheduler, as on a site whose compute nodes cannot reach the address they
 * were given: real SLURM jobs whose worker dials an address no host has. {@code scale --wait} must say so while it waits, its
 * error must carry the job's own failure, and {@code cluster status} must name the failed job's output file.
 */
class ScaleFailureExplainedSlurmTest {
    @TempDir
    Path home;
    private final List<String> clusters = new ArrayList<>();
    private SlurmOverSsh slurm;
    private List<String> sshArgs;
    private String unreachable;

    @BeforeEach
    void slurmOverSsh() throws Exception {
        // The server listens on this free port on every interface; the workers dial it at 192.0.2.1 (TEST-NET-1,
        // reserved for documentation, never assigned), which they cannot reach, and give up after their death timeout.
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        unreachable = "192.0.2.1:" + free;
        slurm = new SlurmOverSsh(home, "hpcdask-it-", """
                profiles:
                  unreachable:
                    scheduler-address: %s
                    death-timeout: 45
                """.formatted(unreachable));
        sshArgs = slurm.sshArgs;
    }

    @AfterEach
    void down() throws Exception {
        if (slurm == null) {
            return;
        }
        for (String name : clusters) {
            cli("cluster", "down", "--name", name);
        }
        slurm.cancelLeftovers();
    }

    private CliRun.Result cli(String... args) {
        return slurm.cli(args);
    }

    private CliRun.Result ok(String... args) {
        return slurm.ok(args);
    }

    @Test
    void scaleWaitNamesTheSilentJobThenFailsWithTheWorkersOwnErrorAndStatusNamesItsOutputFile() {
        List<String> up = new ArrayList<>(List.of("cluster", "up", "--name", "silent", "--cores", "1", "--memory", "200M",
                "--walltime", "00:05:00", "--profile", "unreachable", "--log-directory", home.toString()));
        up.addAll(sshArgs);
        clusters.add("silent");
        ok(up.toArray(String[]::new));

        // long enough for the first job's worker to give up (45 s) and be replaced, short of three failures
        CliRun.Result r = cli("scale", "1", "--wait", "--timeout", "80", "--name", "silent");
        assertThat(r.exitCode()).as("stdout: %s%nstderr: %s", r.out(), r.err()).isEqualTo(ExitCodes.FAILED);
        Matcher silent = Pattern.compile("\\[scale\\] job (\\d+) running for 30 s, its worker has not connected").matcher(r.err());
        assertThat(silent.find()).as("progress names the job running without its worker:%n%s", r.err()).isTrue();
        String firstJob = silent.group(1);
        assertThat(r.err()).contains("only 0 of 1 worker(s) connected after 80")
                .contains("last failure: job " + firstJob + " of profile unreachable ended")
                .contains("No scheduler at " + unreachable + " for 45 s")
                .contains("stderr of job " + firstJob + ": " + home.resolve(slurm.jobName + "-" + firstJob + ".err"));

        String status = ok("cluster", "status", "--name", "silent").out();
        assertThat(status).contains("last failure: job " + firstJob)
                .contains("stdout of job " + firstJob + ": " + home.resolve(slurm.jobName + "-" + firstJob + ".out"))
                .contains("stderr of job " + firstJob + ": " + home.resolve(slurm.jobName + "-" + firstJob + ".err"));
        System.out.println("SLURM-backed test ran: scale --wait said:\n" + r.err() + "\ncluster status said:\n" + status);
    }
}
