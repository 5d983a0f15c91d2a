package io.hpcdask.launcher.ssh;

import com.jcraft.jsch.Session;

/** One authenticated SSH session, plus the jump session it is tunnelled through, if any. */
final class SshConnection implements AutoCloseable {
    final Session session;
    private final Session jump;

    SshConnection(Session session, Session jump) {
        this.session = session;
        this.jump = jump;
    }

    boolean isConnected() {
        return session.isConnected() && (jump == null || jump.isConnected());
    }

    @Override
    public void close() {
        session.disconnect();
        if (jump != null) {
            jump.disconnect();
        }
    }
}
