/** When and how soon to try a failed call again: the one retry policy of hpc-dask, with its clock and sleeper injectable. */
package io.hpcdask.retry;
