package io.hpcdask.launcher.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = HpcDaskCommand.class.getPackage().getImplementationVersion();
        return new String[] {"hpc-dask " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
}
