package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.ClusterSpec;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.script.JobScriptRenderer;
import io.hpcdask.launcher.script.WorkerEndpoint;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "job-script", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the worker job script for the given options and profile: exactly what 'scale' submits.",
            "While a batch cluster runs (--name), it is that cluster's script for --profile, with its real address, jar and",
            "token file; before, those three are placeholders."})
final class PrintJobScriptCommand implements Callable<Integer>, JobOptions.Command {
    @Spec
    CommandSpec spec;
    private final CliContext context;

    PrintJobScriptCommand(CliContext context) {
        this.context = context;
    }

    @picocli.CommandLine.Mixin
    ClusterNameMixin cluster;

    /** A running cluster whose workers are batch jobs: its script, with its address, jar and token file, is the truth. */
    private java.util.Optional<RunningCluster> runningBatchCluster() {
        ClusterDir dir = cluster.resolve(context);
        if (!java.nio.file.Files.exists(dir.path().resolve(ClusterSpec.FILE))) {
            return java.util.Optional.empty();
        }
        return RunningCluster.find(dir);
    }

    @Override
    public Integer call() {
        Settings settings = JobOptions.settings(spec, context);
        String script = runningBatchCluster()
                .map(c -> c.call(client -> client.jobScript(JobOptions.profile(spec))))
                .orElseGet(() -> JobScriptRenderer.render(settings, WorkerEndpoint.PLACEHOLDERS));
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
