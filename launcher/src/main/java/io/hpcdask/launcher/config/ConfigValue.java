package io.hpcdask.launcher.config;

import java.util.List;

/** A raw value from one layer: one element, or several for a repeatable key. */
public record ConfigValue(ConfigKey key, List<String> raw, Source source) {}
