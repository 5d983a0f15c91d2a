package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hpcdask.launcher.batch.PbsShimsAccess;
import io.hpcdask.launcher.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch cluster on PBS Pro, as far as the shims carry it (they record what they are asked and answer with
 * recorded outputs of a real PBS Pro; they run no job): scale submits one array with -J and the rendered script on
 * stdin, the recorded states are followed (a finished sub-job is resubmitted, a running one shows its comment),
 * and cluster down deletes every live job.
 */
class BatchClusterPbsShimTest {
    @TempDir
    Path home;
    private Path bin;

    private CliRun.Result ok(String... args) {
        CliRun.Result r = new CliRun(home).env("HPC_DASK_HOME", home.resolve("hpc-dask").toString()).run(args);
        assertThat(r.exitCode()).as("hpc-dask %s%nstdout: %s%nstderr: %s", String.join(" ", args), r.out(), r.err()).isZero();
        return r;
    }

    @AfterEach
    void down() {
        new CliRun(home).env("HPC_DASK_HOME", home.resolve("hpc-dask").toString()).run("cluster", "down", "--name", "pbs");
    }

    @Test
    void scaleFollowAndDeleteThroughThePbsProShims() throws Exception {
        bin = PbsShimsAccess.install(home, "pro");
        CliRun.Result up = ok("cluster", "up", "--name", "pbs", "--system", "pbs", "--batch-path", bin.toString(),
                "--cores", "2", "--memory", "8G", "--queue", "workq");
        assertThat(up.err()).as("no workers asked for: where they will dial, not 0/0 connected")
                .containsPattern("(?m)^Workers dial [0-9.]+:\\d+$").doesNotContain("Waiting for workers");
        CliRun.Result scaled = ok("scale", "3", "--name", "pbs");
        assertThat(scaled.out()).contains("Submitted 3 job(s) of profile default: 1235[0].pbs-server 1235[1].pbs-server"
                + " 1235[2].pbs-server");
        assertThat(Files.readString(bin.resolve("calls.log"))).contains("qsub -J 0-2");
        assertThat(Files.readString(bin.resolve("last-script.sh")))
                .contains("#PBS -q workq\n#PBS -l select=1:ncpus=2:mem=8GB\n")
                // never loopback: compute nodes dial the login node's address; the token file is keyed by the cluster id
                .containsPattern("java " + java.util.regex.Pattern.quote("${hpc_dask_cds_option:+\"$hpc_dask_cds_option\"}"
                        + " ${hpc_dask_cds_dump:+\"-Dhpcdask.worker.classArchive=$hpc_dask_cds_dump\"} "
                        + io.hpcdask.launcher.shell.ShellQuote.join(io.hpcdask.worker.WorkerCommand.JVM_OPTIONS))
                        + " -jar /\\S+/\\.hpc-dask/lib/hpc-dask-worker-[0-9a-f]{64}\\.jar --scheduler [0-9.]+:\\d+"
                        + " --token-file /\\S+/\\.hpc-dask/secrets/cluster-pbs-[0-9a-f]{8}\\.token --name hpc-dask-worker")
                .doesNotContain("--scheduler 127.")
                .containsPattern("#PBS -o /\\S+/clusters/pbs/jobs/\n");
        // the worker listener binds exactly the address the job script dials, not every interface
        java.util.regex.Matcher dialed = java.util.regex.Pattern.compile("--scheduler ([0-9.]+:\\d+)")
                .matcher(Files.readString(bin.resolve("last-script.sh")));
        assertThat(dialed.find()).isTrue();
        String serverLog = Files.readString(home.resolve("hpc-dask").resolve("clusters").resolve("pbs").resolve("server.log"));
        assertThat(serverLog).contains("Listening for workers on " + dialed.group(1)).doesNotContain("0.0.0.0");
        assertThat(up.err()).contains("Workers dial " + dialed.group(1) + "\n");

        // 1235[0] is recorded as finished before any worker connected: it is replaced by a single job (1234)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                ok("cluster", "status", "--name", "pbs").out().contains("1234.pbs-server"));
        String status = ok("cluster", "status", "--name", "pbs").out();
        assertThat(status).contains("Batch:      pbs").containsPattern("1235\\[1\\]\\.pbs-server +default +RUNNING +- ")
                .as("where a job runs is no reason").doesNotContainPattern("RUNNING +Job run at")
                .containsPattern("1235\\[2\\]\\.pbs-server +default +PENDING").doesNotContainPattern("(?m)^1235\\[0\\]")
                .contains("last failure: job 1235[0].pbs-server of profile default ended COMPLETED");

        ok("cluster", "down", "--name", "pbs");
        assertThat(Files.readString(bin.resolve("calls.log"))).containsPattern("qdel .*1235\\[1\\]\\.pbs-server")
                .containsPattern("qdel .*1235\\[2\\]\\.pbs-server").containsPattern("qdel .*1234\\.pbs-server");
        System.out.println("PBS shim flow ran: " + Files.readAllLines(bin.resolve("calls.log")).size() + " PBS commands");
    }
}
