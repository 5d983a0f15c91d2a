package io.hpcdask.launcher.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.launcher.config.ConfigException;
import io.hpcdask.launcher.config.ConfigLoader;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.server.scaling.AdaptPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config file's {@code adapt:} block, read into each profile's adaptive bounds and worker capacity. */
class ProfileAdaptTest {
    @TempDir
    Path dir;

    private Settings load(String yaml, String profile) throws Exception {
        Path user = Files.writeString(dir.resolve("user.yaml"), yaml);
        Map<String, String> env = Map.of("HPC_DASK_CONFIG", user.toString(), "HPC_DASK_SITE_CONFIG",
                dir.resolve("site.yaml").toString());
        return new ConfigLoader(env, dir).load(List.of(), profile);
    }

    @Test
    void anAdaptBlockGivesTheProfilesBoundsAndItsWorkerTheCapacity() throws Exception {
        Settings gpu = load("""
                cores: 2
                profiles:
                  gpu:
                    resources: gpu=2
                    memory: 4G
                    adapt: {min: 1, max: 4, idle-timeout: 10m, max-pending: 2}
                  cpu: {}
                """, "gpu");
        assertThat(ProfileAdapt.policy("gpu", gpu)).contains(new AdaptPolicy(1, 4, 600_000, 2));
        assertThat(ProfileAdapt.capacity("gpu", gpu).resources()).containsEntry("gpu", 2L).containsEntry("cores", 2L)
                .containsEntry("memory", 4L << 30);
        assertThat(ProfileAdapt.capacity("gpu", gpu).slots()).isEqualTo(2);
        Settings cpu = load(Files.readString(dir.resolve("user.yaml")), "cpu");
        assertThat(ProfileAdapt.policy("cpu", cpu)).isEmpty();
    }

    @Test
    void theIdleTimeoutDefaultsToFiveMinutesAndPendingToNoLimit() throws Exception {
        Settings s = load("adapt: {max: 3}\n", null);
        assertThat(ProfileAdapt.policy("default", s)).contains(new AdaptPolicy(0, 3, 300_000, AdaptPolicy.NO_PENDING_LIMIT));
    }

    @Test
    void anUnknownAdaptKeyOrMinWithoutMaxIsAnError() throws Exception {
        assertThatThrownBy(() -> load("adapt: {maximum: 3}\n", null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'maximum' in adapt; expected min, max, idle-timeout or max-pending");
        Settings s = load("adapt: {min: 3}\n", null);
        assertThatThrownBy(() -> ProfileAdapt.policy("default", s)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("adapt needs max");
    }
}
