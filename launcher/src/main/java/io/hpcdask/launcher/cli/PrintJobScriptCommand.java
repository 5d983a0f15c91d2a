package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.ClusterSpec;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.remote.LoginNode;
import io.hpcdask.launcher.remote.RemoteCluster;
import io.hpcdask.launcher.ssh.LocalShell;
import io.hpcdask.launcher.ssh.RemoteShell;
import io.hpcdask.launcher.script.JobScriptRenderer;
import io.hpcdask.launcher.script.WorkerEndpoint;
import picocli.CommandLine.Command;

@Command(name = "job-script", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the worker job script for the given options and profile: exactly what 'scale' submits.",
            "While a batch cluster runs (--name), it is that cluster's script for --profile, with its real address, jar and",
            "token file; before, those three are placeholders. Without --system it uses the batch system 'cluster up' would."},
        footer = {"", "Examples:",
            "  hpc-dask print job-script --cores 2 --memory 8G --walltime 00:30:00",
            "  hpc-dask print job-script --system pbs --queue workq --cores 4"})
final class PrintJobScriptCommand extends ClusterClientCommand implements JobOptions.Command {
    PrintJobScriptCommand(CliContext context) {
        super(context);
    }

    @picocli.CommandLine.Mixin
    SshOptions ssh;

    /** The same choice as 'cluster up' makes without --system; said on stderr, so stdout stays the script alone. */
    private Settings chooseSystem(Settings settings) {
        if (settings.isExplicit(ConfigKeys.SYSTEM)) {
            return settings;
        }
        ClusterSpec.Ssh reach = ssh.record(settings);
        try (RemoteShell shell = reach.target() == null ? new LocalShell(reach.batchPath()) : LoginNode.reach(reach, null)) {
            SystemChoice choice = SystemChoice.of(settings, shell);
            err().println(choice.reason());
            err().flush();
            return choice.settings();
        }
    }

    /** A running cluster whose workers are batch jobs: its script, with its address, jar and token file, is the truth. */
    private java.util.Optional<RunningCluster> runningBatchCluster() {
        if (cluster.ambiguous(context)) { // several clusters, none named: the script for the options given
            return java.util.Optional.empty();
        }
        ClusterDir dir = dir();
        if (!java.nio.file.Files.exists(dir.path().resolve(ClusterSpec.FILE))
                && !java.nio.file.Files.exists(dir.path().resolve(RemoteCluster.FILE))) {
            return java.util.Optional.empty();
        }
        return found();
    }

    @Override
    int doCall() {
        Settings given = JobOptions.settings(spec, context);
        ConfigWarnings.show(given, err());
        String script = runningBatchCluster()
                .map(c -> c.call(client -> client.jobScript(JobOptions.profile(spec))))
                .orElseGet(() -> JobScriptRenderer.render(chooseSystem(given), WorkerEndpoint.PLACEHOLDERS));
        out().print(script);
        return ExitCodes.OK;
    }
}
