package io.hpcdask.launcher.ssh;

import io.hpcdask.launcher.shell.ShellQuote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.launcher.failure.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SshTargetTest {
    @Test
    void formsOfTheTarget() {
        assertThat(SshTarget.parse("alice@login.example.org:2222")).isEqualTo(new SshTarget("alice", "login.example.org", 2222));
        assertThat(SshTarget.parse("login1")).isEqualTo(new SshTarget(null, "login1", SshTarget.NO_PORT));
        assertThat(SshTarget.parse("bob@[::1]:22")).isEqualTo(new SshTarget("bob", "::1", 22));
    }

    @Test
    void malformedTargetsAreBadInput() {
        for (String bad : List.of("", "a b", "host:0", "host:99999", "u@h;rm -rf /", "host:port")) {
            assertThatThrownBy(() -> SshTarget.parse(bad)).isInstanceOf(BadInputException.class).hasMessageStartingWith("--ssh:");
        }
    }

    @Test
    void quotingKeepsValuesLiteral() {
        assertThat(ShellQuote.quote("plain-word_1.2")).isEqualTo("plain-word_1.2");
        assertThat(ShellQuote.quote("it's $HOME; `x`")).isEqualTo("'it'\\''s $HOME; `x`'");
        assertThat(ShellQuote.quote("")).isEqualTo("''");
        assertThat(LoginShell.remoteLine("echo 'a'", List.of("/opt/pbs/bin")))
                .isEqualTo("bash -lc 'export PATH=/opt/pbs/bin:\"$PATH\"; echo '\\''a'\\'''");
    }
}
