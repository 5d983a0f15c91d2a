package io.hpcdask.launcher.failure;

/**
 * The exit codes every hpc-dask command keeps to; README lists them. Scripts depend on these numbers.
 */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** The command was well formed but failed: a batch system, SSH, the scheduler, or a check refused or broke. */
    public static final int FAILED = 1;
    /** Bad input: an unknown option, a malformed value, a bad config file. Nothing was written or submitted. */
    public static final int BAD_INPUT = 2;
    /** The command needs a running cluster and none answers. */
    public static final int NO_CLUSTER = 3;
    /**
     * The CLI daemon that had started the command ended before it did (killed, say): the command may have taken
     * effect. Said by the daemon's client (distribution/src/main/sh/cli-client.pl), which never runs it again itself.
     */
    public static final int DAEMON_LOST = 4;

    private ExitCodes() {
    }
}
