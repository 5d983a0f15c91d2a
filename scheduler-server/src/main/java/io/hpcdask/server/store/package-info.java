/** The durable record of runs (SQLite, one writer thread with group commit) and each run's output file. */
package io.hpcdask.server.store;
