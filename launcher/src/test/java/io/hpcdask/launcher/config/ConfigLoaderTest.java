package io.hpcdask.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.protocol.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;
    Path site;
    Path user;
    final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void files() throws Exception {
        site = dir.resolve("site.yaml");
        user = Files.writeString(dir.resolve("user.yaml"), "");
        env.put("HPC_DASK_SITE_CONFIG", site.toString());
        env.put("HPC_DASK_CONFIG", user.toString());
    }

    private Settings load(String profile, ConfigValue... flags) {
        return new ConfigLoader(env, dir).load(List.of(flags), profile);
    }

    private static ConfigValue flag(ConfigKey key, String... values) {
        return new ConfigValue(key, List.of(values), Source.flag(key));
    }

    @Test
    void eachLayerOverridesTheOneBelow() throws Exception {
        Files.writeString(site, """
                cores: 1
                memory: 1G
                queue: site-q
                account: site-acct
                job-name: site-name
                walltime: "01:00:00"
                profiles:
                  gpu:
                    queue: site-gpu
                    account: site-gpu-acct
                    job-name: site-gpu-name
                """);
        Files.writeString(user, """
                memory: 2G
                queue: user-q
                profiles:
                  gpu:
                    account: user-gpu-acct
                """);
        env.put("HPC_DASK_JOB_NAME", "env-name");
        env.put("HPC_DASK_WALLTIME", "02:00:00");
        Settings s = load("gpu", flag(ConfigKeys.WALLTIME, "03:00:00"));

        assertThat(s.entry(ConfigKeys.SHEBANG).source().origin()).isEqualTo("default");
        assertThat(s.cores()).contains(1);
        assertThat(s.entry(ConfigKeys.CORES).source().origin()).isEqualTo(site + ":1");
        assertThat(s.memory()).contains(Memory.parse("2G"));
        assertThat(s.entry(ConfigKeys.MEMORY).source().origin()).isEqualTo(user + ":1");
        assertThat(s.string(ConfigKeys.QUEUE)).contains("site-gpu"); // a profile beats every file's top level
        assertThat(s.entry(ConfigKeys.QUEUE).source().origin()).isEqualTo(site + ":9 (profile gpu)");
        assertThat(s.string(ConfigKeys.ACCOUNT)).contains("user-gpu-acct");
        assertThat(s.string(ConfigKeys.JOB_NAME)).contains("env-name");
        assertThat(s.entry(ConfigKeys.JOB_NAME).source().origin()).isEqualTo("environment HPC_DASK_JOB_NAME");
        assertThat(s.walltime().toString()).isEqualTo("03:00:00");
        assertThat(s.entry(ConfigKeys.WALLTIME).source().origin()).isEqualTo("flag --walltime");
    }

    @Test
    void withoutAProfileOnlyTopLevelsApply() throws Exception {
        Files.writeString(site, "queue: normal\nprofiles:\n  gpu:\n    queue: gpu\n");
        assertThat(load(null).string(ConfigKeys.QUEUE)).contains("normal");
        assertThat(load(null).profile()).isNull();
    }

    @Test
    void defaultProfileOfTheUserFileWinsAndFlagsWinOverIt() throws Exception {
        Files.writeString(site, "default-profile: cpu\nprofiles:\n  cpu: {queue: cpu}\n  gpu: {queue: gpu}\n");
        Files.writeString(user, "default-profile: gpu\n");
        assertThat(load(null).string(ConfigKeys.QUEUE)).contains("gpu");
        assertThat(load("cpu").string(ConfigKeys.QUEUE)).contains("cpu");
        env.put("HPC_DASK_PROFILE", "cpu");
        assertThat(load(null).string(ConfigKeys.QUEUE)).contains("cpu");
    }

    @Test
    void nullUnsetsALowerLayer() throws Exception {
        Files.writeString(site, "account: shared\n");
        Files.writeString(user, "account:\n");
        assertThat(load(null).string(ConfigKeys.ACCOUNT)).isEmpty();
    }

    @Test
    void listsReplaceRatherThanAppend() throws Exception {
        Files.writeString(site, "prologue: [\"module load java\"]\n");
        Files.writeString(user, "prologue:\n  - module load java/17\n  - export A=1\n");
        assertThat(load(null).strings(ConfigKeys.PROLOGUE)).containsExactly("module load java/17", "export A=1");
        assertThat(load(null, flag(ConfigKeys.PROLOGUE, "x")).strings(ConfigKeys.PROLOGUE)).containsExactly("x");
    }

    @Test
    void unknownKeyNamesFileLineAndHint() throws Exception {
        Files.writeString(user, "cores: 2\ncoress: 3\n");
        assertThatThrownBy(() -> load(null)).isInstanceOf(ConfigException.class)
                .hasMessage("config file " + user + " line 2: unknown key 'coress' (did you mean 'cores'?); "
                        + "'hpc-dask config show' lists every key");
    }

    @Test
    void unknownKeyInsideAProfile() throws Exception {
        Files.writeString(user, "profiles:\n  gpu:\n    queue: gpu\n    gres: 1\n");
        assertThatThrownBy(() -> load(null)).hasMessageStartingWith("config file " + user + " line 4: unknown key 'gres'");
    }

    @Test
    void duplicateKeyNamesBothLines() throws Exception {
        Files.writeString(user, "cores: 2\nmemory: 1G\ncores: 4\n");
        assertThatThrownBy(() -> load(null)).isInstanceOf(ConfigException.class)
                .hasMessage("config file " + user + " line 3: duplicate key 'cores' (first at line 1); keep one");
    }

    @Test
    void wrongTypeNamesTheAcceptedForm() throws Exception {
        Files.writeString(user, "queue: normal\ncores: [1, 2]\n");
        assertThatThrownBy(() -> load(null)).hasMessageStartingWith("config file " + user + " line 2: key 'cores' must be a single value");
    }

    @Test
    void badValueNamesFileLineAndForm() throws Exception {
        Files.writeString(site, "\n\nmemory: 8X\n");
        assertThatThrownBy(() -> load(null)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid memory at " + site + ":3: '8X' is not a positive amount");
    }

    @Test
    void badValueInAnUnusedProfileIsStillReported() throws Exception {
        Files.writeString(site, "profiles:\n  big:\n    cores: 0\n");
        assertThatThrownBy(() -> load(null)).hasMessageStartingWith("invalid cores at " + site + ":3");
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        env.put("HPC_DASK_WALLTIME", "abc");
        assertThatThrownBy(() -> load(null)).hasMessageStartingWith("invalid HPC_DASK_WALLTIME: 'abc'");
    }

    @Test
    void yamlSyntaxErrorNamesTheLine() throws Exception {
        Files.writeString(user, "cores: 2\nqueue: \"unclosed\n");
        assertThatThrownBy(() -> load(null)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config file " + user + " line").hasMessageContaining("not valid YAML");
    }

    @Test
    void unknownProfileListsTheDefinedOnes() throws Exception {
        Files.writeString(site, "profiles:\n  gpu: {queue: gpu}\n  cpu: {queue: cpu}\n");
        assertThatThrownBy(() -> load("tpu")).hasMessage("unknown profile 'tpu' (from flag --profile); defined profiles: cpu, gpu");
    }

    @Test
    void missingFilesAreFineButANamedUserFileMustExist() {
        env.remove("HPC_DASK_CONFIG");
        assertThat(load(null).cores()).isEmpty();
        env.put("HPC_DASK_CONFIG", dir.resolve("nope.yaml").toString());
        assertThatThrownBy(() -> load(null)).hasMessageContaining("named by HPC_DASK_CONFIG does not exist");
    }

    @Test
    void userFileDefaultsUnderXdgConfigHome() {
        env.remove("HPC_DASK_CONFIG");
        env.put("XDG_CONFIG_HOME", "/x");
        assertThat(new ConfigLoader(env, dir).userFile()).isEqualTo(Path.of("/x/hpc-dask/config.yaml"));
        env.remove("XDG_CONFIG_HOME");
        assertThat(new ConfigLoader(env, dir).userFile()).isEqualTo(dir.resolve(".config/hpc-dask/config.yaml"));
    }
}
