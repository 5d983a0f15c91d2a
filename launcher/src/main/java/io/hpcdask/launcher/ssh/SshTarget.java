package io.hpcdask.launcher.ssh;

import io.hpcdask.launcher.failure.BadInputException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the user typed after {@code --ssh}: {@code [user@]host[:port]}, where host may be a ~/.ssh/config alias. */
public record SshTarget(String user, String host, int port) {
    /** Port not given: the ssh config's or 22. */
    public static final int NO_PORT = -1;
    private static final Pattern FORM = Pattern.compile("(?:([A-Za-z0-9._-]+)@)?([A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\])(?::(\\d{1,5}))?");

    public static SshTarget parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new BadInputException("--ssh: '" + text + "' is not of the form [user@]host[:port] or a Host alias from ~/.ssh/config");
        }
        int port = NO_PORT;
        if (m.group(3) != null) {
            port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw new BadInputException("--ssh: port " + port + " is out of range 1-65535 in '" + text + "'");
            }
        }
        String host = m.group(2);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return new SshTarget(m.group(1), host, port);
    }

    @Override
    public String toString() {
        return (user == null ? "" : user + "@") + host + (port == NO_PORT ? "" : ":" + port);
    }
}
