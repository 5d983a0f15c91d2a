package io.hpcdask.launcher.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.testenv.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SFTP over the loopback sshd, and the same operations through LocalShell; modes checked with stat. */
class SftpUploadTest {
    @TempDir
    Path tmp;

    @Test
    void theWorkerJarIsUploadedOnceUnderItsHashOverSsh() throws Exception {
        TestEnv.requireSsh();
        try (SshShell shell = SshShell.connect(SshFixture.trusted(tmp))) {
            uploadsOnceWithModes(shell);
            secretsAreOwnerOnly(shell);
        }
    }

    @Test
    void theSameRulesHoldForTheLocalShell() throws Exception {
        try (LocalShell shell = new LocalShell(List.of())) {
            uploadsOnceWithModes(shell);
            secretsAreOwnerOnly(shell);
        }
    }

    private void uploadsOnceWithModes(RemoteShell shell) throws Exception {
        String name = "hpc-dask-test-" + UUID.randomUUID();
        Path jar = tmp.resolve(name + ".jar");
        Files.write(jar, ("not really a jar " + name).getBytes(StandardCharsets.UTF_8));
        String sha = WorkerJarUploader.sha256(jar);

        WorkerJarUploader.Uploaded first = WorkerJarUploader.upload(shell, jar);
        try {
            assertThat(first.transferred()).isTrue();
            assertThat(first.remotePath()).isEqualTo(shell.homeDir() + "/.hpc-dask/lib/" + name + "-" + sha + ".jar");
            assertThat(shell.run("stat -c %a " + first.remotePath()).stdout().strip()).isEqualTo("644");
            assertThat(shell.run("sha256sum < " + first.remotePath()).stdout()).startsWith(sha);
            assertThat(shell.run("ls " + shell.homeDir() + "/.hpc-dask/lib | grep -c " + name + ".*part").stdout().strip())
                    .isEqualTo("0");

            // Marking the file proves the second call leaves it alone rather than re-uploading it.
            shell.run("touch -d 2001-01-01 " + first.remotePath()).orThrow();
            WorkerJarUploader.Uploaded second = WorkerJarUploader.upload(shell, jar);
            assertThat(second).isEqualTo(new WorkerJarUploader.Uploaded(first.remotePath(), false));
            assertThat(shell.run("date -r " + first.remotePath() + " +%Y").stdout().strip()).isEqualTo("2001");
        } finally {
            shell.run("rm -f " + first.remotePath());
        }
    }

    private void secretsAreOwnerOnly(RemoteShell shell) throws Exception {
        String name = "test-token-" + UUID.randomUUID();
        String path = RemoteSecrets.write(shell, name, "s3cret-value".getBytes(StandardCharsets.UTF_8));
        try {
            assertThat(path).isEqualTo(shell.homeDir() + "/.hpc-dask/secrets/" + name);
            assertThat(shell.run("stat -c %a " + path).stdout().strip()).isEqualTo("600");
            assertThat(shell.run("stat -c %a " + shell.homeDir() + "/.hpc-dask/secrets").stdout().strip()).isEqualTo("700");
            assertThat(shell.run("cat " + path).stdout()).isEqualTo("s3cret-value");
            // Re-writing replaces the content and keeps the mode.
            RemoteSecrets.write(shell, name, "rotated".getBytes(StandardCharsets.UTF_8));
            assertThat(shell.run("cat " + path + "; stat -c %a " + path).stdout()).isEqualTo("rotated600\n");
        } finally {
            shell.run("rm -f " + path);
        }
    }
}
