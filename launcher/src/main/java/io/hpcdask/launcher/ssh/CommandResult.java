package io.hpcdask.launcher.ssh;

/** What a command left behind: its exit status and everything it printed. */
public record CommandResult(String command, String where, int exitStatus, String stdout, String stderr) {

    public boolean ok() {
        return exitStatus == 0;
    }

    /** This result, or a {@link RemoteCommandException} carrying it verbatim when the exit status is not 0. */
    public CommandResult orThrow() {
        if (!ok()) {
            throw new RemoteCommandException(this);
        }
        return this;
    }
}
