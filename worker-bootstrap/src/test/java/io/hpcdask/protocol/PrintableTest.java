package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void escapesControlCharactersAndLeavesTheRest() {
        assertThat(Printable.escape("plain ünïcode label")).isEqualTo("plain ünïcode label");
        assertThat(Printable.escape("a\nb\r\tc\u001b[31m\u0000\u007f\u009b\u2028\u202e"))
                .isEqualTo("a\\nb\\r\\tc\\u001b[31m\\u0000\\u007f\\u009b\\u2028\\u202e");
        assertThat(Printable.escape(null)).isEqualTo("null");
        assertThat(Printable.isClean("ok")).isTrue();
        assertThat(Printable.isClean("no\nway")).isFalse();
    }

    @Test
    void truncatesAndSaysHowMuchWasCut() {
        String name = "evil\n" + "x".repeat(1 << 20);
        String out = Printable.escape(name, 64);
        assertThat(out).startsWith("evil\\nxxx").endsWith("...(" + ((1 << 20) + 5 - 64) + " more chars)").doesNotContain("\n");
        assertThat(out.length()).isLessThan(100);
        assertThat(Printable.escape("short", 64)).isEqualTo("short");
        // a surrogate pair is never split
        assertThat(Printable.escape("ab\uD83D\uDE00cd", 3)).startsWith("ab...");
    }
}
