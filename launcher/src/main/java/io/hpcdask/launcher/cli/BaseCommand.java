package io.hpcdask.launcher.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A leaf command (jbang's {@code BaseCommand} shape): its {@link #doCall()} is its own logic only. A failure leaves it
 * as an exception, which {@link ErrorReporter} alone turns into a line and an exit code; whatever was printed is
 * flushed either way, so a command need not flush before it returns or throws.
 */
abstract class BaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    final CliContext context;

    BaseCommand(CliContext context) {
        this.context = context;
    }

    /** The command's own work; returns its exit code. */
    abstract int doCall() throws Exception;

    @Override
    public final Integer call() throws Exception {
        try {
            return doCall();
        } finally {
            out().flush();
            err().flush();
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
