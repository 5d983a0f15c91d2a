package io.hpcdask.launcher.ssh;

import io.hpcdask.launcher.failure.CommandFailedException;

/** A command that exited non-zero; the message shows the command, where it ran, its exit status and its output. */
public class RemoteCommandException extends CommandFailedException {
    private static final long serialVersionUID = 1L;
    private final transient CommandResult result;

    public RemoteCommandException(CommandResult result) {
        super(describe(result));
        this.result = result;
    }

    public CommandResult result() {
        return result;
    }

    private static String describe(CommandResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append('`').append(r.command()).append("` on ").append(r.where())
                .append(" exited with status ").append(r.exitStatus());
        String err = r.stderr().strip();
        String out = r.stdout().strip();
        if (!err.isEmpty()) {
            sb.append('\n').append(err);
        }
        if (!out.isEmpty()) {
            sb.append("\nstdout: ").append(out);
        }
        return sb.toString();
    }
}
