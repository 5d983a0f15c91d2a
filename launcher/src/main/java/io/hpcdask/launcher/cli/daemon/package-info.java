/**
 * The per-user CLI daemon: a long-lived JVM on a UNIX domain socket that answers short commands for a small client
 * (cli-client.pl), so they do not pay a JVM start each. Its place, its wire frames, its server and its starter; what
 * it runs is handed in ({@link io.hpcdask.launcher.cli.daemon.CallHandler}), so it depends on no command.
 */
package io.hpcdask.launcher.cli.daemon;
