package io.hpcdask.launcher.ssh;

import com.jcraft.jsch.Identity;
import com.jcraft.jsch.IdentityRepository;
import java.util.Vector;

/** The ssh-agent's keys first, then the key files, the order OpenSSH tries them in. */
final class CombinedIdentities implements IdentityRepository {
    private final IdentityRepository agent;
    private final IdentityRepository files;

    CombinedIdentities(IdentityRepository agent, IdentityRepository files) {
        this.agent = agent;
        this.files = files;
    }

    @Override
    public String getName() {
        return "ssh-agent + key files";
    }

    @Override
    public int getStatus() {
        return RUNNING;
    }

    @Override
    public Vector<Identity> getIdentities() {
        Vector<Identity> all = new Vector<>();
        try {
            all.addAll(agent.getIdentities());
        } catch (RuntimeException e) {
            SshConnector.LOG.warn("ssh-agent at SSH_AUTH_SOCK did not list its keys ({}); using key files only", e.toString());
        }
        all.addAll(files.getIdentities());
        return all;
    }

    @Override
    public boolean add(byte[] identity) {
        return files.add(identity);
    }

    @Override
    public boolean remove(byte[] blob) {
        return files.remove(blob);
    }

    @Override
    public void removeAll() {
        files.removeAll();
    }
}
