package io.hpcdask.launcher.cli;

import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * For a command that runs another command ({@code submit run CMD ARGS...}): hpc-dask's options come first and end at
 * the first positional argument, so {@code submit run python3 -c 'print(1)'} runs {@code python3 -c print(1)} and
 * {@code submit run echo hi --tag x} hands {@code --tag x} to echo, as {@code hq submit} and {@code ssh} do. {@code --}
 * still ends them too.
 */
public final class OptionsBeforeCommand implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
        spec.parser().stopAtPositional(true);
        return spec;
    }
}
