package io.hpcdask.launcher.ssh;

import java.io.IOException;

/** Secrets (the cluster token) go to files of mode 0600 in a directory of mode 0700, never on a command line. */
public final class RemoteSecrets {
    public static final String DIR = ".hpc-dask/secrets";

    private RemoteSecrets() {
    }

    /** Writes {@code ~/.hpc-dask/secrets/<name>} and returns its absolute path. */
    public static String write(RemoteShell shell, String name, byte[] secret) throws IOException {
        if (!name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
            throw new IllegalArgumentException("secret file name must be a plain file name: " + name);
        }
        String dir = shell.homeDir() + "/" + DIR;
        shell.mkdirs(dir, 0700);
        String path = dir + "/" + name;
        shell.write(secret, path, 0600);
        return path;
    }
}
