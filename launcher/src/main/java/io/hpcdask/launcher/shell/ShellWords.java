package io.hpcdask.launcher.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line a user wrote in a setting ({@code apptainer exec 'my image.sif' java}) split into its words the way
 * a POSIX shell reads quotes: blanks separate words, '...' keeps everything, "..." keeps everything but a backslash
 * before " \ $ or `, and a backslash outside quotes keeps the next character. Nothing expands: a word is what it
 * says, and {@link ShellQuote} quotes each again wherever the command is written into a script.
 */
public final class ShellWords {
    /** The accepted form, for messages. */
    public static final String ACCEPTED_FORM = "words separated by spaces, a word with spaces in '...' or \"...\","
            + " e.g. apptainer exec img.sif java";

    private ShellWords() {
    }

    /** The words; throws {@link IllegalArgumentException} naming what is wrong (an open quote, no word at all). */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("the ' at character " + (i + 1) + " is never closed");
                }
                word.append(line, i + 1, end);
                i = end;
            } else if (c == '"') {
                i = doubleQuoted(line, i, word);
            } else if (c == '\\') {
                if (i + 1 == line.length()) {
                    throw new IllegalArgumentException("it ends with a lone \\");
                }
                word.append(line.charAt(++i));
            } else {
                word.append(c);
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("it holds no word");
        }
        return List.copyOf(words);
    }

    /** Appends the "..." starting at {@code open}; returns the index of the closing quote. */
    private static int doubleQuoted(String line, int open, StringBuilder word) {
        for (int i = open + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                c = line.charAt(++i);
            }
            word.append(c);
        }
        throw new IllegalArgumentException("the \" at character " + (open + 1) + " is never closed");
    }
}
