package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.ExitCodes;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the shell completion script of hpc-dask for bash, zsh or fish.",
            "Subcommands, options and the values of options with a fixed set (--system) complete on TAB."},
        footerHeading = "%nEnable it:%n",
        footer = {"  bash: echo 'source <(hpc-dask completion bash)' >> ~/.bashrc",
            "  zsh:  echo 'source <(hpc-dask completion zsh)' >> ~/.zshrc",
            "  fish: hpc-dask completion fish > ~/.config/fish/completions/hpc-dask.fish"})
final class CompletionCommand extends BaseCommand {
    static final String PROGRAM = "hpc-dask";

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash, zsh or fish")
    String shell;

    CompletionCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() {
        String script = switch (shell) {
            // picocli's script loads bash's completion into zsh itself (bashcompinit) when zsh sources it
            case "bash", "zsh" -> AutoComplete.bash(PROGRAM, Main.newCommandLine(context));
            case "fish" -> FishCompletion.script(PROGRAM, Main.newCommandLine(context));
            default -> throw new BadInputException("SHELL: '" + shell + "' is not a shell hpc-dask completes; expected bash, zsh or fish");
        };
        out().print(script);
        return ExitCodes.OK;
    }
}
