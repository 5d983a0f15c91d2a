/** Batch systems, one class each (SLURM, PBS, local processes): submitting, polling, cancelling, reading output. */
package io.hpcdask.launcher.batch;
