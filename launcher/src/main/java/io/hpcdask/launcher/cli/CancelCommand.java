package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.protocol.Printable;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel staged or running runs; a running run's whole process group is killed.")
final class CancelCommand extends ClusterClientCommand {
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "run ids")
    List<String> ids;

    CancelCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() {
        Set<String> cancelled = new HashSet<>(call(c -> c.cancel(ids)));
        PrintWriter out = out();
        PrintWriter err = err();
        int status = ExitCodes.OK;
        for (String id : ids) {
            if (cancelled.contains(id)) {
                out.println("Cancelled run " + Printable.escape(id));
            } else {
                err.println("hpc-dask: run " + Printable.escape(id) + " was not cancelled: no such run, or it has already ended");
                status = ExitCodes.FAILED;
            }
        }
        return status;
    }
}
