package io.hpcdask.launcher.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;

/**
 * The width and colours of usage help for a caller whose terminal is not this process's (the CLI daemon's client):
 * what picocli 4.7 decides from its own process on Linux, decided from the caller's terminal and environment instead.
 * Width: the terminal's (at least 55) when standard input and output are a terminal, else picocli's default. Colours
 * ({@code Ansi.AUTO}): never with NO_COLOR; always with CLICOLOR_FORCE other than 0; never with CLICOLOR=0 or
 * ConEmuANSI=OFF; else when standard input and output are a terminal.
 */
final class HelpLook {
    /** picocli's least usage width. */
    static final int MIN_WIDTH = 55;

    private HelpLook() {
    }

    static void apply(CommandLine cl, CliContext context) {
        cl.setUsageHelpAutoWidth(false);
        context.terminal().columns().ifPresent(c -> cl.setUsageHelpWidth(Math.max(c, MIN_WIDTH)));
        cl.setColorScheme(Help.defaultColorScheme(colours(context.env(), context.terminal().present())
                ? Help.Ansi.ON : Help.Ansi.OFF));
    }

    static boolean colours(Map<String, String> env, boolean terminal) {
        if (env.containsKey("NO_COLOR")) {
            return false;
        }
        if (env.containsKey("CLICOLOR_FORCE") && !"0".equals(env.get("CLICOLOR_FORCE"))) {
            return true;
        }
        if ("0".equals(env.get("CLICOLOR")) || "OFF".equals(env.get("ConEmuANSI"))) {
            return false;
        }
        return terminal;
    }
}
