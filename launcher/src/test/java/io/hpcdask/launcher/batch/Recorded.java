package io.hpcdask.launcher.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads a recorded batch-system output from test resources under {@code batch/}. */
final class Recorded {
    private Recorded() {
    }

    static String read(String path) {
        try (InputStream in = Recorded.class.getResourceAsStream("/batch/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded output batch/" + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
