package io.hpcdask.server.core;

public enum LogLevel { INFO, WARN }
