/** The errors a command ends with and the exit codes they map to; depends on no other hpc-dask package. */
package io.hpcdask.launcher.failure;
