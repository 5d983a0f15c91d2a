package io.hpcdask.launcher.cli.daemon;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client asks: the jar it would run, its current directory, whether its standard input, output and error are
 * terminals and the terminal's width, its arguments and its environment. On the wire (cli-client.pl), fields separated
 * by NUL bytes, which none of them can hold: {@code 1}, jar path, jar size, jar mtime, cwd, three 0/1 flags as one
 * field ({@code 010}), columns (0 when unknown), argc, the arguments, then {@code NAME=VALUE} for each variable.
 */
public record CallRequest(JarStamp jar, String cwd, boolean stdinTty, boolean stdoutTty, boolean stderrTty, int columns,
                          List<String> args, Map<String, String> env) {
    static final String VERSION = "1";

    /** Decodes a request; IllegalArgumentException naming what is wrong with one no client of ours sends. */
    public static CallRequest decode(byte[] payload) {
        String[] f = new String(payload, StandardCharsets.UTF_8).split("\0", -1);
        if (f.length < 8 || !VERSION.equals(f[0])) {
            throw new IllegalArgumentException("not a version " + VERSION + " request");
        }
        String ttys = f[5];
        if (!ttys.matches("[01]{3}")) {
            throw new IllegalArgumentException("terminal flags '" + ttys + "'");
        }
        int argc = Integer.parseInt(f[7]);
        if (argc < 0 || 8 + argc > f.length) {
            throw new IllegalArgumentException(argc + " arguments in " + f.length + " fields");
        }
        List<String> args = new ArrayList<>(List.of(f).subList(8, 8 + argc));
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 8 + argc; i < f.length; i++) {
            int eq = f[i].indexOf('=');
            if (eq > 0) {
                env.putIfAbsent(f[i].substring(0, eq), f[i].substring(eq + 1));
            } else if (!f[i].isEmpty()) {
                throw new IllegalArgumentException("environment entry without '='");
            }
        }
        return new CallRequest(new JarStamp(f[1], Long.parseLong(f[2]), Long.parseLong(f[3])), f[4],
                ttys.charAt(0) == '1', ttys.charAt(1) == '1', ttys.charAt(2) == '1', Integer.parseInt(f[6]),
                List.copyOf(args), Map.copyOf(env));
    }

    /** The encoding cli-client.pl makes, for tests and Java clients. */
    public byte[] encode() {
        StringBuilder b = new StringBuilder(VERSION).append('\0').append(jar.path()).append('\0').append(jar.size())
                .append('\0').append(jar.mtimeSeconds()).append('\0').append(cwd).append('\0')
                .append(stdinTty ? '1' : '0').append(stdoutTty ? '1' : '0').append(stderrTty ? '1' : '0').append('\0')
                .append(columns).append('\0').append(args.size());
        args.forEach(a -> b.append('\0').append(a));
        env.forEach((k, v) -> b.append('\0').append(k).append('=').append(v));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
