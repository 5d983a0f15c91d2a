package io.hpcdask.launcher.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Cluster tokens: 256 random bits, hex; stored only in owner-only files. */
public final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    public static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Writes the token to a file created 0600, replacing an older one. */
    public static void writeTokenFile(Path file, String token) {
        try {
            Files.deleteIfExists(file);
            io.hpcdask.server.files.PrivateFiles.createFile(file);
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write token file " + file, e);
        }
    }
}
