package io.hpcdask.protocol;

/**
 * Makes a value from a peer or a user safe to print on one line of a log or a table: control characters are escaped
 * ({@code \n}, {@code \r}, {@code \t}, otherwise {@code \}{@code u001b} and so on), so a newline cannot forge a line and
 * an ANSI sequence cannot repaint the terminal; an optional cap truncates what a hostile peer sends.
 */
public final class Printable {
    /** What a log line quotes of a name or reason a peer chose. */
    public static final int LOG_MAX_CHARS = 64;

    private Printable() {
    }

    /** {@code s} with every control character escaped. */
    public static String escape(String s) {
        return escape(s, Integer.MAX_VALUE);
    }

    /**
     * {@code s} escaped, keeping at most {@code maxChars} of its characters; a cut is marked
     * {@code ...(N more chars)}. {@code null} prints as {@code null}.
     */
    public static String escape(String s, int maxChars) {
        if (s == null) {
            return "null";
        }
        int keep = Math.min(s.length(), Math.max(0, maxChars));
        if (keep > 0 && keep < s.length() && Character.isHighSurrogate(s.charAt(keep - 1))) {
            keep--; // do not split a surrogate pair
        }
        StringBuilder b = null;
        for (int i = 0; i < keep; i++) {
            char c = s.charAt(i);
            String esc = escapeOf(c);
            if (esc != null && b == null) {
                b = new StringBuilder(keep + 16).append(s, 0, i);
            }
            if (b != null) {
                if (esc != null) {
                    b.append(esc);
                } else {
                    b.append(c);
                }
            }
        }
        String out = b == null ? s.substring(0, keep) : b.toString();
        return keep < s.length() ? out + "...(" + (s.length() - keep) + " more chars)" : out;
    }

    /** Whether {@code s} holds anything {@link #escape} would change. */
    public static boolean isClean(String s) {
        if (s == null) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            if (escapeOf(s.charAt(i)) != null) {
                return false;
            }
        }
        return true;
    }

    private static String escapeOf(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                break;
        }
        // C0, DEL, C1 (0x80-0x9f holds CSI 0x9b), and the Unicode line/paragraph separators and bidi overrides
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
