/** Batch systems (SLURM, PBS, local processes): submitting, polling and cancelling jobs, reading their output. */
package io.hpcdask.launcher.batch;
