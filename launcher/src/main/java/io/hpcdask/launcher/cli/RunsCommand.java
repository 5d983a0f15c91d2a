package io.hpcdask.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.server.api.RunView;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "runs", mixinStandardHelpOptions = true,
        description = {"List runs in staging order, with why a staged run waits or why a run could not start.",
            "Answers from the cluster's store when the cluster is down."})
final class RunsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterNameMixin cluster;
    @Option(names = "--state", paramLabel = "STATE", description = "only runs in this state: staged, running, completed, error, terminated or lost")
    String state;
    @Option(names = "--json", description = "print the runs as a JSON array")
    boolean json;

    private final CliContext context;

    RunsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (state != null && !RunStates.ALL.contains(state)) {
            throw new BadInputException("--state: '" + state + "' is not a run state; expected one of " + String.join(", ", RunStates.ALL));
        }
        ClusterDir dir = cluster.resolve(context);
        Optional<RunningCluster> running = RunningCluster.find(dir);
        List<RunView> runs = running.isPresent() ? running.get().call(c -> c.runs(state)) : OfflineStore.runs(dir, state);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(runs));
            out.flush();
            return ExitCodes.OK;
        }
        Table t = new Table("ID", "LABEL", "STATE", "REQUIRES", "WORKER", "STAGED", "STARTED", "ENDED", "EXIT", "REASON");
        for (RunView r : runs) {
            t.add(r.id(), Table.orDash(r.label()), r.state(), Table.amounts(r.requires()), Table.orDash(r.worker()),
                    Table.time(r.stagedAt()), Table.time(r.startedAt()), Table.time(r.endedAt()), Table.orDash(r.exitCode()),
                    Table.orDash(r.waitReason() != null ? r.waitReason() : r.reason()));
        }
        t.print(out);
        return ExitCodes.OK;
    }
}
