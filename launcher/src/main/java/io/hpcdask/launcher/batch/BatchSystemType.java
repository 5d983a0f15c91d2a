package io.hpcdask.launcher.batch;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.ssh.RemoteShell;
import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Walltime;
import java.nio.file.Path;
import java.util.Collection;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What hpc-dask knows of a batch system before it has a shell to one: how its job scripts are written (header
 * template, directive prefix, memory and walltime forms), the form of its job ids, how a login node shows it has
 * it, and how to open it on a shell. Each system's class holds its own as {@code TYPE}; {@link BatchSystems} lists
 * them.
 *
 * @param name            the {@code system} setting's value, e.g. {@code slurm}; also names the header template
 * @param displayName     the name in messages, e.g. {@code SLURM}
 * @param directivePrefix what {@code job-extra-directive} lines are written after, e.g. {@code #SBATCH}
 * @param jobIdForm       every id the system hands out; ids go onto command lines, so nothing else is let through
 * @param detection       how {@code cluster up} finds it on a login node; null for the fallback (local processes)
 */
public record BatchSystemType(String name, String displayName, String directivePrefix, Pattern jobIdForm,
                              Function<Memory, String> memory, Function<Walltime, String> walltime,
                              Detection detection, Opener opener) {

    /** Opens the system on a shell where its commands run; the local system keeps its jobs in {@code localJobsDir}. */
    @FunctionalInterface
    public interface Opener {
        BatchSystem open(RemoteShell shell, Path localJobsDir);
    }

    /**
     * @param command a command on the PATH of a login shell that means the system is there, e.g. {@code sbatch}
     * @param probe   more shell to run in the same round trip (may be empty), e.g. to print the version
     * @param flavour what the probe's output says of the system, e.g. {@code PBS Pro}; null when nothing
     */
    public record Detection(String command, String probe, Function<String, String> flavour) {}

    /** The header template of its job scripts, e.g. {@code slurm-header.ftl}. */
    public String headerTemplate() {
        return name + "-header.ftl";
    }

    /** Throws {@link BadInputException} on the first id that is not of {@link #jobIdForm}. */
    public void checkIds(Collection<String> ids) {
        for (String id : ids) {
            if (!jobIdForm.matcher(id).matches()) {
                throw new BadInputException("job id '" + id + "' is not a " + displayName + " job id");
            }
        }
    }
}
