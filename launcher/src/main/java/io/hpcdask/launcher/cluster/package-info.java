/** The client's view of a cluster directory: where its files are, how to reach its server, what cluster up decided. */
package io.hpcdask.launcher.cluster;
