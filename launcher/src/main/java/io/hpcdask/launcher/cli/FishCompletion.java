package io.hpcdask.launcher.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A fish completion script made from the command model: each command's subcommands and options, with their first
 * description line, offered only where that command is the one typed so far. One function in the script,
 * {@code __NAME_path}, finds that command by walking the words typed against the list of command paths.
 */
final class FishCompletion {
    private FishCompletion() {
    }

    static String script(String program, CommandLine root) {
        String fn = "__" + program.replace('-', '_') + "_path";
        String all = "__" + program.replace('-', '_') + "_commands";
        List<String> paths = new ArrayList<>();
        StringBuilder completions = new StringBuilder();
        add(program, fn, root, "", paths, completions);
        StringBuilder b = new StringBuilder();
        b.append("# fish completion for ").append(program).append(", made by '").append(program).append(" completion fish'\n");
        b.append("set -g ").append(all);
        for (String p : paths) {
            b.append(' ').append(quote(p));
        }
        b.append("\n\n");
        b.append("function ").append(fn).append(" --description 'the ").append(program).append(" command typed so far'\n");
        b.append("    set -l path ''\n");
        b.append("    for word in (commandline -opc)[2..-1]\n");
        b.append("        set -l next (string trim -- \"$path $word\")\n");
        b.append("        if contains -- $next $").append(all).append('\n');
        b.append("            set path $next\n");
        b.append("        end\n");
        b.append("    end\n");
        b.append("    echo $path\n");
        b.append("end\n\n");
        b.append(completions);
        return b.toString();
    }

    private static void add(String program, String fn, CommandLine cl, String path, List<String> paths, StringBuilder out) {
        String here = "-n " + quote("test (" + fn + ") = " + quote(path));
        CommandSpec spec = cl.getCommandSpec();
        if (!cl.getSubcommands().isEmpty()) {
            out.append("complete -c ").append(program).append(' ').append(here).append(" -f");
            out.append('\n');
        }
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (sub.usageMessage().hidden()) {
                continue;
            }
            out.append("complete -c ").append(program).append(' ').append(here).append(" -a ").append(quote(e.getKey()))
                    .append(" -d ").append(quote(firstLine(sub.usageMessage().description()))).append('\n');
        }
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            StringBuilder line = new StringBuilder("complete -c ").append(program).append(' ').append(here);
            for (String name : o.names()) {
                if (name.startsWith("--")) {
                    line.append(" -l ").append(quote(name.substring(2)));
                } else if (name.startsWith("-") && name.length() == 2) {
                    line.append(" -s ").append(quote(name.substring(1)));
                }
            }
            if (o.arity().max() > 0) {
                line.append(" -r");
                List<String> values = candidates(o);
                if (!values.isEmpty()) {
                    line.append(" -f -a ").append(quote(String.join(" ", values)));
                }
            }
            line.append(" -d ").append(quote(firstLine(o.description())));
            out.append(line).append('\n');
        }
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            String sub = path.isEmpty() ? e.getKey() : path + " " + e.getKey();
            paths.add(sub);
            out.append('\n');
            add(program, fn, e.getValue(), sub, paths, out);
        }
    }

    private static List<String> candidates(OptionSpec o) {
        List<String> out = new ArrayList<>();
        if (o.completionCandidates() != null) {
            o.completionCandidates().forEach(out::add);
        }
        return out;
    }

    /** The first sentence of the description: fish shows it beside each candidate, on one line. */
    private static String firstLine(String[] description) {
        String first = description.length == 0 ? "" : description[0];
        int end = first.indexOf(". ");
        return end > 0 ? first.substring(0, end + 1) : first;
    }

    /** A fish single-quoted word: only {@code \} and {@code '} are special there. */
    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
