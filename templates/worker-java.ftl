<#-- The lines that choose the worker's java on the node, before the worker's command, when worker-java is auto or
     bundled: the node's java when it is Java ${minimumJava}+ (auto only; its version read from the release file of its
     installation, which costs no JVM start, else from java -version), else hpc-dask's bundled runtime, whose archive
     is unpacked beside it on first use. Many array tasks may start at once on a shared file system: each unpacks into
     a directory of its own and renames it into place (atomic); a task that loses the race removes its copy and uses
     the winner's. java and runtime are already shell-quoted. -->
<#macro useBundled indent>
${indent}hpc_dask_runtime=${runtime}
${indent}if [ ! -x "${r"${hpc_dask_runtime%.tar.gz}"}/bin/java" ]; then
${indent}    hpc_dask_unpack="${r"${hpc_dask_runtime%.tar.gz}"}.unpack-$(hostname)-$$"
${indent}    mkdir -p "$hpc_dask_unpack" && tar xzf "$hpc_dask_runtime" -C "$hpc_dask_unpack" &&
${indent}        mv -T "$hpc_dask_unpack/hpc-dask-worker-runtime" "${r"${hpc_dask_runtime%.tar.gz}"}" 2>/dev/null
${indent}    rm -rf "$hpc_dask_unpack"
${indent}fi
${indent}${variable}="${r"${hpc_dask_runtime%.tar.gz}"}/bin/java"
</#macro>
<#if mode == "auto">
# worker-java auto: ${java} when it is Java ${minimumJava} or newer, else the java runtime bundled with hpc-dask
${variable}=${java}
# its version from the release file of its installation, else from a run of java -version (a JVM start)
hpc_dask_java_version=$(readlink -f "$(command -v ${java})" 2>/dev/null) &&
    hpc_dask_java_version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "${r"${hpc_dask_java_version%/bin/*}"}/release" 2>/dev/null)
[ -n "$hpc_dask_java_version" ] ||
    hpc_dask_java_version=$(${java} -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1)
if [ "${r"${hpc_dask_java_version:-0}"}" -lt ${minimumJava} ]; then
<@useBundled indent="    "/>
fi
<#else>
# worker-java bundled: the java runtime bundled with hpc-dask
<@useBundled indent=""/>
</#if>
