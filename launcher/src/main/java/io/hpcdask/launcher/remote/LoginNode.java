package io.hpcdask.launcher.remote;

import io.hpcdask.launcher.cluster.ClusterSpec;
import io.hpcdask.launcher.ssh.RemoteCommand;
import io.hpcdask.launcher.ssh.RemoteShell;
import io.hpcdask.launcher.ssh.SshSettings;
import io.hpcdask.launcher.ssh.SshShell;

/**
 * Reaches the login node a cluster's server runs on. Sites put several login nodes behind one round-robin name, and a
 * process started on one is invisible from another, so the node is recorded by its own host name; when the name
 * lands elsewhere, the exact node is reached through the name as a jump host.
 */
public final class LoginNode {
    private LoginNode() {
    }

    /** Connects to the SSH target of a cluster; with {@code exactHost}, makes sure the shell runs on that host. */
    public static SshShell reach(ClusterSpec.Ssh ssh, String exactHost) {
        SshSettings settings = ssh.settings();
        SshShell shell = SshShell.connect(settings);
        if (exactHost == null || exactHost.equals(hostName(shell))) {
            return shell;
        }
        shell.close();
        String jump = settings.user() + "@" + settings.host() + ":" + settings.port();
        return SshShell.connect(settings.withHost(exactHost).withProxyJump(jump));
    }

    /** The host name of the machine the shell runs on, as {@code hostname} prints it there. */
    public static String hostName(RemoteShell shell) {
        return shell.run(RemoteCommand.query("hostname")).stdout().strip();
    }
}
