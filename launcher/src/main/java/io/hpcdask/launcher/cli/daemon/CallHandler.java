package io.hpcdask.launcher.cli.daemon;

import java.io.PrintWriter;

/** What the daemon runs for a client: the commands, handed in by the CLI. */
public interface CallHandler {
    /**
     * The call ready to run when the daemon can answer it exactly as the plain JVM path would, else null (the client
     * then runs that path). Decides before any side effect.
     */
    Call accept(CallRequest request);

    /** One call, accepted. */
    interface Call {
        /** Runs it with the client's output; returns its exit code. */
        int run(PrintWriter out, PrintWriter err);
    }
}
