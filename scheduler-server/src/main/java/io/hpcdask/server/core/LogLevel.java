package io.hpcdask.server.core;

/** How much a line of the scheduler log matters: {@code DEBUG} lines tell of every run and are off unless asked for. */
public enum LogLevel { DEBUG, INFO, WARN }
