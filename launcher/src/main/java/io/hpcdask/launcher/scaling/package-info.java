/** Scaling on a batch system: the provisioner that submits worker jobs and the wiring of the scaling loop. */
package io.hpcdask.launcher.scaling;
