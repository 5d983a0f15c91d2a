package io.hpcdask.launcher.config;

/** A bad config file or value; the CLI shows the message as one line and exits with code 2. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
