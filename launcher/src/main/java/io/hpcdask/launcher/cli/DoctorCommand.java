package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.batch.BatchSystems;
import io.hpcdask.launcher.ssh.SshConfigResolver;
import io.hpcdask.launcher.ssh.SshSettings;
import io.hpcdask.launcher.ssh.SshTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hpc-dask doctor}: is this cluster ready for hpc-dask workers? */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Checks, one line each, everything workers need on a cluster: the SSH host key is known, the SSH login",
            "works, the batch system's commands are there (and their version), java 17+ is on the remote PATH,",
            "the worker jar is uploaded (~/.hpc-dask/lib), and the batch system accepts a test job",
            "(sbatch --test-only, or a held PBS job that is deleted at once). Exits 0 only when all pass.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  hpc-dask doctor --system slurm --ssh alice@login.cluster.org",
            "  hpc-dask doctor --system pbs --ssh cluster-alias --ssh-accept-new",
            "  hpc-dask doctor --system local",
        })
public final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--system", paramLabel = "SYSTEM", defaultValue = "slurm",
            description = "The batch system: slurm, pbs or local (default: ${DEFAULT-VALUE}).")
    String system;

    @Option(names = "--ssh", paramLabel = "TARGET",
            description = "The login node: [user@]host[:port] or a Host alias from ~/.ssh/config. Without it, commands run on this machine.")
    String ssh;

    @Option(names = "--ssh-accept-new",
            description = "Add an unknown host key to known_hosts instead of refusing. A changed key is always refused.")
    boolean acceptNew;

    @Option(names = "--known-hosts", paramLabel = "FILE", defaultValue = "${env:HPC_DASK_KNOWN_HOSTS}",
            description = "known_hosts file to check host keys against (default: $HPC_DASK_KNOWN_HOSTS, else"
                    + " UserKnownHostsFile from ~/.ssh/config, else ~/.ssh/known_hosts).")
    Path knownHosts;

    @Option(names = {"-i", "--identity"}, paramLabel = "FILE",
            description = "Private key file (repeatable; replaces IdentityFile from ~/.ssh/config; default:"
                    + " $HPC_DASK_SSH_IDENTITY, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa). Keys in the ssh-agent"
                    + " at $SSH_AUTH_SOCK are offered too.")
    List<Path> identities = new ArrayList<>();

    @Option(names = "--ssh-config", paramLabel = "FILE", description = "ssh config to read instead of ~/.ssh/config.")
    Path sshConfig;

    @Override
    public Integer call() {
        if (!BatchSystems.NAMES.contains(system)) {
            throw new BadInputException("--system: '" + system + "' is not one of slurm, pbs, local");
        }
        SshSettings settings = null;
        if (ssh != null) {
            List<Path> keys = new ArrayList<>(identities);
            String envKey = System.getenv("HPC_DASK_SSH_IDENTITY");
            if (keys.isEmpty() && envKey != null && !envKey.isBlank()) {
                keys.add(Path.of(envKey));
            }
            settings = new SshConfigResolver(Path.of(System.getProperty("user.home")), sshConfig)
                    .resolve(SshTarget.parse(ssh), keys, knownHosts, acceptNew);
        }
        Path localJobs = Path.of(System.getProperty("user.home"), ".hpc-dask", "local-jobs");
        boolean ok = new Doctor(system, settings, DoctorTestJob.minimal(system), localJobs).run(spec.commandLine().getOut());
        return ok ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
