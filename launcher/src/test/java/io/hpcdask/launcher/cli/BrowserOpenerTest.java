package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrowserOpenerTest {
    private static final String URL = "http://127.0.0.1:1234/login?code=abc_-1";

    @TempDir
    Path dir;

    @Test
    void browserIsAListOfCommandsWithTheUrlAsOneWord() throws Exception {
        Path fake = executable("fake-browser");
        Map<String, String> env = Map.of("BROWSER", "no-such-browser:" + fake + " --new-tab '%s' --x", "PATH", "/usr/bin:/bin");
        assertThat(new BrowserOpener(env).command(URL)).hasValue(List.of(fake.toString(), "--new-tab", URL, "--x"));
        assertThat(new BrowserOpener(Map.of("BROWSER", fake.toString())).command(URL)).hasValue(List.of(fake.toString(), URL));
    }

    @Test
    void withoutBrowserOrDisplayNothingOpens() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path xdg = executable("bin/xdg-open");
        assertThat(new BrowserOpener(Map.of("PATH", bin.toString())).command(URL)).isEmpty();
        assertThat(new BrowserOpener(Map.of("PATH", bin.toString(), "DISPLAY", ":0")).command(URL)).hasValue(List.of(xdg.toString(), URL));
        assertThat(new BrowserOpener(Map.of("BROWSER", "'open quote")).command(URL)).isEmpty();
    }

    @Test
    void theBrowserGetsTheUrlWithoutAShell() throws Exception {
        Path seen = dir.resolve("seen.txt");
        Path fake = dir.resolve("record");
        Files.writeString(fake, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + seen + "'\n");
        fake.toFile().setExecutable(true);
        String hostile = URL + "&x=$(touch " + dir.resolve("pwned") + ");";
        assertThat(new BrowserOpener(Map.of("BROWSER", fake.toString())).open(hostile)).hasValue(fake.toString());
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> Files.exists(seen) && Files.size(seen) > 0);
        assertThat(Files.readString(seen)).isEqualTo(hostile + "\n");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    private Path executable(String name) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\nexit 0\n");
        p.toFile().setExecutable(true);
        return p;
    }
}
