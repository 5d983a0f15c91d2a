/** Settings from flags, environment and YAML config files, every one named once, validated with file, line and key. */
package io.hpcdask.launcher.config;
