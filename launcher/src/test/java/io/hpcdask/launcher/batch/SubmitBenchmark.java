package io.hpcdask.launcher.batch;

import io.hpcdask.launcher.ssh.SshConfigResolver;
import io.hpcdask.launcher.ssh.SshSettings;
import io.hpcdask.launcher.ssh.SshShell;
import io.hpcdask.launcher.ssh.SshTarget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Run by {@code scripts/bench-ssh}: N held SLURM jobs submitted over one reused SSH session, then through N
 * separate {@code ssh host sbatch} processes, then as one array of N; prints the times and their ratio, then
 * cancels every job it submitted. Jobs are held so the benchmark never occupies the cluster.
 */
public final class SubmitBenchmark {
    private SubmitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String target = null;
        Path key = null;
        Path knownHosts = null;
        int count = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ssh" -> target = args[++i];
                case "--identity" -> key = Path.of(args[++i]);
                case "--known-hosts" -> knownHosts = Path.of(args[++i]);
                case "--count" -> count = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: --ssh [user@]host[:port] [--identity KEY] [--known-hosts FILE] [--count N]");
            }
        }
        if (target == null) {
            throw new IllegalArgumentException("--ssh [user@]host[:port] is required");
        }
        SshSettings s = new SshConfigResolver().resolve(SshTarget.parse(target), key == null ? List.of() : List.of(key),
                knownHosts, false);
        String name = "hpcdask-bench-" + UUID.randomUUID().toString().substring(0, 8);
        String script = "#!/bin/bash\n#SBATCH -J " + name + "\n#SBATCH -o /dev/null\n#SBATCH -t 00:01:00\ntrue\n";
        JobSubmission held = JobSubmission.of(script).withArgs("--hold");
        List<String> ids = new ArrayList<>();
        try (SshShell shell = SshShell.connect(s)) {
            SlurmBatchSystem slurm = new SlurmBatchSystem(shell);
            try {
                System.out.printf("submitting %d held jobs named %s to %s%n", count, name, s.where());
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    ids.add(slurm.submit(held).jobId());
                    progress("reused session", i + 1, count);
                }
                long reused = System.nanoTime() - t0;

                long t1 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    ids.add(separateSsh(s, script));
                    progress("separate ssh processes", i + 1, count);
                }
                long separate = System.nanoTime() - t1;

                long t2 = System.nanoTime();
                SubmittedJobs array = slurm.submit(held.withArray(count));
                long arrayTime = System.nanoTime() - t2;
                ids.add(array.jobId());

                long t3 = System.nanoTime();
                int answered = slurm.query(array.taskIds()).size();
                long queryTime = System.nanoTime() - t3;

                System.out.printf("%n%-44s %8.0f ms  (%.1f ms per job)%n", count + " submissions over one reused session",
                        ms(reused), ms(reused) / count);
                System.out.printf("%-44s %8.0f ms  (%.1f ms per job)%n", count + " separate `ssh host sbatch` processes",
                        ms(separate), ms(separate) / count);
                System.out.printf("%-44s %8.1fx%n", "ratio (separate / reused)", (double) separate / reused);
                System.out.printf("%-44s %8.0f ms  (job %s, %d tasks)%n", "one array of " + count + " in one submission",
                        ms(arrayTime), array.jobId(), array.taskIds().size());
                System.out.printf("%-44s %8.0f ms  (%d answered)%n", "state of all " + count + " tasks in one query",
                        ms(queryTime), answered);
            } finally {
                if (!ids.isEmpty()) {
                    slurm.cancel(ids);
                    System.out.printf("cancelled the %d jobs this benchmark submitted%n", ids.size());
                }
            }
        }
    }

    /** The baseline: what a script calling ssh for every job pays (process start, key exchange, auth). */
    private static String separateSsh(SshSettings s, String script) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", String.valueOf(s.port()), "-o", "BatchMode=yes",
                "-o", "UserKnownHostsFile=" + s.knownHosts(), "-o", "StrictHostKeyChecking=yes"));
        for (Path k : s.identityFiles()) {
            cmd.add("-i");
            cmd.add(k.toString());
        }
        cmd.add(s.user() + "@" + s.host());
        cmd.add("bash -lc 'sbatch --parsable --hold'");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("`" + String.join(" ", cmd) + "` exited with status " + p.exitValue());
        }
        return out.split(";")[0];
    }

    private static void progress(String what, int done, int total) {
        if (done % 10 == 0 || done == total) {
            System.out.printf("\r  %-24s %3d/%d", what, done, total);
            if (done == total) {
                System.out.println();
            }
            System.out.flush();
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
