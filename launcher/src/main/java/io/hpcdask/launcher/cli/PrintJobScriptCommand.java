package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.script.JobScriptRenderer;
import io.hpcdask.launcher.script.WorkerEndpoint;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "job-script", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the worker job script for the given options and profile: exactly what 'scale' submits.",
            "Before a cluster runs, the scheduler address, worker jar and token file are placeholders."})
final class PrintJobScriptCommand implements Callable<Integer>, JobOptions.Command {
    @Spec
    CommandSpec spec;
    private final CliContext context;

    PrintJobScriptCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Settings settings = JobOptions.settings(spec, context);
        String script = new JobScriptRenderer(settings).render(settings, WorkerEndpoint.PLACEHOLDERS);
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
