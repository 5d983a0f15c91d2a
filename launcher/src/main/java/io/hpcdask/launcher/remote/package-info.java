/** A scheduler server run on a login node: uploading its distribution, starting it and reaching it over SSH. */
package io.hpcdask.launcher.remote;
