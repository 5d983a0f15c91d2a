/** Commands run on a login node over SSH (JSch) or on this machine, with host-key checks, jump hosts and reconnects. */
package io.hpcdask.launcher.ssh;
