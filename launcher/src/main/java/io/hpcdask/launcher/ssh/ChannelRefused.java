package io.hpcdask.launcher.ssh;

import com.jcraft.jsch.JSchException;

/** The server answered a channel open with a refusal (MaxSessions reached): the command was never sent. */
final class ChannelRefused extends JSchException {
    private static final long serialVersionUID = 1L;

    ChannelRefused(JSchException cause) {
        super(cause.getMessage(), cause);
    }
}
