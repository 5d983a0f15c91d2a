package io.hpcdask.launcher.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.AgentProxyException;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.UnixDomainSocketFactory;
import io.hpcdask.launcher.failure.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens authenticated sessions: host key checked, keys and agent offered, through a jump host if configured. */
final class SshConnector {
    static final Logger LOG = LoggerFactory.getLogger(SshConnector.class);

    private SshConnector() {
    }

    static SshConnection open(SshSettings s) {
        JSch jsch = new JSch();
        HostKeyGuard guard;
        try {
            guard = new HostKeyGuard(jsch, s.knownHosts(), s.acceptNewHostKeys());
            jsch.setHostKeyRepository(guard);
            for (Path key : s.identityFiles()) {
                if (!Files.isReadable(key)) {
                    throw new BadInputException("--identity: key file " + key + " does not exist or cannot be read");
                }
                jsch.addIdentity(key.toString());
            }
        } catch (JSchException e) {
            throw new BadInputException("ssh key or known_hosts file cannot be used: " + e.getMessage(), e);
        }
        Session jump = null;
        if (s.proxyJump() != null) {
            SshTarget j = SshTarget.parse(s.proxyJump());
            String user = j.user() == null ? s.user() : j.user();
            int port = j.port() == SshTarget.NO_PORT ? 22 : j.port();
            jump = connect(jsch, guard, s, user, j.host(), port, null);
        }
        try {
            return new SshConnection(connect(jsch, guard, s, s.user(), s.host(), s.port(), jump), jump);
        } catch (RuntimeException e) {
            if (jump != null) {
                jump.disconnect();
            }
            throw e;
        }
    }

    private static Session connect(JSch jsch, HostKeyGuard guard, SshSettings s, String user, String host, int port,
            Session via) {
        String where = user + "@" + host + ":" + port + (via == null ? "" : " (via ProxyJump " + s.proxyJump() + ")");
        try {
            Session session = jsch.getSession(user, host, port);
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("PreferredAuthentications", "publickey");
            session.setServerAliveInterval((int) s.serverAliveInterval().toMillis());
            session.setServerAliveCountMax(3);
            if (s.agentSocket() != null) {
                agent(s.agentSocket()).ifPresent(a -> session.setIdentityRepository(new CombinedIdentities(a, jsch.getIdentityRepository())));
            }
            if (via != null) {
                session.setProxy(new JumpProxy(via));
            }
            session.connect((int) s.connectTimeout().toMillis());
            return session;
        } catch (JSchException e) {
            HostKeyException refusal = guard.refusal(host, port);
            if (refusal != null) {
                throw refusal;
            }
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("Auth fail") || msg.contains("Auth cancel")) {
                throw new SshConnectException("ssh " + where + ": authentication failed with the keys "
                        + s.identityFiles() + (s.agentSocket() != null ? " and the ssh-agent's keys" : "")
                        + "; add your public key to ~/.ssh/authorized_keys on the host, or pass the right key with"
                        + " --identity FILE", true, e);
            }
            throw new SshConnectException("ssh " + where + ": cannot connect: " + msg
                    + " (is the host reachable and sshd listening on port " + port + "?)", false, e);
        }
    }

    private static java.util.Optional<AgentIdentityRepository> agent(Path sock) {
        try {
            // Java 16+ Unix domain sockets: no native library needed.
            return java.util.Optional.of(new AgentIdentityRepository(
                    new SSHAgentConnector(new UnixDomainSocketFactory(), sock)));
        } catch (AgentProxyException | RuntimeException e) {
            LOG.warn("ssh-agent at {} cannot be used ({}); using key files only", sock, e.toString());
            return java.util.Optional.empty();
        }
    }
}
