package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.failure.ExitCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hpc-dask completion bash|zsh|fish}. The bash script is sourced in a real bash and its completion function
 * called as bash calls it on TAB. fish is not installed here (nor in CI), so its script is checked for its structure:
 * every command, its subcommands and options offered where that command is typed, every word quoted.
 */
class CompletionCommandTest {
    @TempDir
    Path home;

    private String script(String shell) {
        CliRun.Result r = CliInHome.run(home, "completion", shell);
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isZero();
        return r.out();
    }

    /** What bash offers for {@code line} (the last word being completed), from the sourced script. */
    private String complete(Path script, String line) throws Exception {
        String[] words = line.split(" ", -1);
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append('\'').append(w).append("' ");
        }
        String program = "source " + script + "\n"
                + "complete -p hpc-dask\n"
                + "COMP_WORDS=(" + array + ")\n"
                + "COMP_CWORD=" + (words.length - 1) + "\n"
                + "COMP_LINE='" + line + "'\n"
                + "COMP_POINT=${#COMP_LINE}\n"
                + "_complete_hpc-dask hpc-dask '" + words[words.length - 1] + "' '" + words[words.length - 2] + "'\n"
                + "echo \"REPLY: ${COMPREPLY[*]}\"\n";
        Process p = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", program).redirectErrorStream(false).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void bashCompletesCommandsOptionsAndValues() throws Exception {
        Path file = home.resolve("hpc-dask.bash");
        Files.writeString(file, script("bash"));
        String scale = complete(file, "hpc-dask sc");
        assertThat(scale).contains("complete -o default -F _complete_hpc-dask hpc-dask");
        assertThat(scale).contains("REPLY: scale");
        assertThat(complete(file, "hpc-dask cluster l")).contains("REPLY: list");
        assertThat(complete(file, "hpc-dask cluster up --wor")).contains("REPLY: --workers");
        assertThat(complete(file, "hpc-dask cluster up --system ")).containsPattern("REPLY: .*slurm").contains("pbs").contains("local");
    }

    @Test
    void zshLoadsTheBashScriptThroughBashcompinit() {
        String zsh = script("zsh");
        assertThat(zsh).isEqualTo(script("bash")).contains("bashcompinit").contains("ZSH_VERSION");
    }

    @Test
    void fishOffersEachCommandsSubcommandsAndOptionsWhereItIsTyped() {
        String fish = script("fish");
        assertThat(fish).contains("set -g __hpc_dask_commands 'print' 'print job-script'")
                .contains("'cluster up'").contains("'cluster list'").contains("'submit run'").contains("'completion'");
        assertThat(fish).contains("function __hpc_dask_path");
        assertThat(fish).contains("complete -c hpc-dask -n 'test (__hpc_dask_path) = \\'\\'' -a 'cluster' -d 'Start, inspect and stop a cluster.'");
        assertThat(fish).contains("complete -c hpc-dask -n 'test (__hpc_dask_path) = \\'cluster\\'' -a 'up' -d ");
        assertThat(fish).containsPattern("complete -c hpc-dask -n 'test \\(__hpc_dask_path\\) = \\\\'cluster up\\\\'' -l 'workers' -r -d '[^']");
        assertThat(fish).containsPattern("-l 'system' -r -f -a '[a-z ]*slurm[a-z ]*' -d");
        assertThat(fish).contains("-s 'V' -l 'version'"); // the top command's
        assertThat(fish).doesNotContain("= \\'cluster up\\'' -s 'V'");
        List<String> lines = fish.lines().filter(l -> l.startsWith("complete ")).toList();
        assertThat(lines).hasSizeGreaterThan(60);
        for (String l : lines) { // every quote closed: an odd count of unescaped quotes would swallow the next line
            assertThat(l.replace("\\\\", "").replace("\\'", "").chars().filter(c -> c == '\'').count() % 2).as(l).isZero();
        }
    }

    @Test
    void anotherShellIsBadInput() {
        CliRun.Result r = CliInHome.run(home, "completion", "tcsh");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).isEqualTo("hpc-dask: SHELL: 'tcsh' is not a shell hpc-dask completes; expected bash, zsh or fish\n");
        assertThat(r.out()).isEmpty();
    }
}
