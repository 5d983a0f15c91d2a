/** The worker agent shipped to compute nodes: its command line, its link to the scheduler, and the runs it spawns. */
package io.hpcdask.worker;
