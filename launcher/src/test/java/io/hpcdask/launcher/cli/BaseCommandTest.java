package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.failure.ExitCodes;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every command gets from its base class, whatever its own logic does. */
class BaseCommandTest {
    @TempDir
    Path home;

    @Test
    void whatACommandPrintsIsFlushedWhenItReturns() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // buffered and not auto-flushing, as a terminal's writer may be: the command itself does not flush
        int code = Main.run(context(), new PrintWriter(new BufferedWriter(out)), new PrintWriter(new BufferedWriter(err)),
                "print", "job-script", "--system", "slurm", "--cores", "2");
        assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("#SBATCH");
    }

    private CliContext context() {
        return new CliContext(Map.of("HPC_DASK_HOME", home.resolve("hpc-dask").toString(),
                "HPC_DASK_SITE_CONFIG", home.resolve("no-site-config.yaml").toString()), home);
    }
}
