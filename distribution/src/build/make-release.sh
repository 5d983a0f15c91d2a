#!/bin/sh
# Makes the release archives from what the other modules packaged; run by distribution/pom.xml in `mvn package`.
#   target/hpc-dask-VERSION-linux-x64.tar.gz        bin/ lib/ templates/ completion/ LICENSE and runtime/ (jlink)
#   target/hpc-dask-VERSION.tar.gz                  the same without runtime/, for machines with Java 17+
#   target/hpc-dask-worker-runtime-linux-x64.tar.gz the workers' own jlink runtime (also in lib/ of both archives)
# Usage: make-release.sh VERSION REPO_ROOT WORK_DIR JLINK CLI_MODULES WORKER_MODULES
set -eu
version=$1 root=$2 work=$3 jlink=$4 cli_modules=$5 worker_modules=$6
name=hpc-dask-$version
out=$root/target
stage=$work/stage/$name
worker_runtime=hpc-dask-worker-runtime-linux-x64.tar.gz

pack() { # ARCHIVE DIR NAME [TAR OPTIONS]
    archive=$1 dir=$2 top=$3
    shift 3
    tar --sort=name --owner=0 --group=0 --numeric-owner "$@" -C "$dir" -cf - "$top" | gzip -n >"$archive.tmp"
    mv -f "$archive.tmp" "$archive"
}

# The JDK's classes are archived for class-data sharing here, at build time; the archive for heaps past 32 GB
# (classes_nocoops.jsa, 10 MB) goes, as the CLI and the worker run with small heaps.
runtime() { # MODULES OUTPUT
    "$jlink" --add-modules "$1" --strip-debug --no-man-pages --no-header-files --compress=2 \
        --generate-cds-archive --output "$2"
    rm -f "$2/lib/server/classes_nocoops.jsa"
}

rm -rf "$work/stage" "$work/worker-runtime"
mkdir -p "$stage/bin" "$stage/lib" "$stage/templates" "$out"
cp "$root/distribution/src/main/bin/hpc-dask" "$stage/bin/"
chmod 755 "$stage/bin/hpc-dask"
cp "$root/distribution/src/main/sh/cli-launch.sh" "$root/distribution/src/main/sh/cli-client.pl" \
    "$root/launcher/target/hpc-dask.jar" \
    "$root/worker-bootstrap/target/dist/hpc-dask-worker.jar" "$stage/lib/"
cp "$root"/templates/*.ftl "$stage/templates/"
cp "$root/LICENSE" "$stage/"

java=$(dirname "$jlink")/java
if "$java" -jar "$stage/lib/hpc-dask.jar" completion bash >/dev/null 2>&1; then
    mkdir -p "$stage/completion"
    for shell in bash zsh fish; do
        "$java" -jar "$stage/lib/hpc-dask.jar" completion "$shell" >"$stage/completion/hpc-dask.$shell"
    done
else
    echo "make-release: this hpc-dask has no 'completion' command; the archives hold no completion/" >&2
fi

echo "make-release: jlink worker runtime ($worker_modules)"
runtime "$worker_modules" "$work/worker-runtime/hpc-dask-worker-runtime"
# Fixed times too: rebuilding the same runtime gives the same bytes where jlink does, so clusters are not sent a new
# copy for nothing (it is uploaded by its sha256). The CLI archives keep real times: bin/hpc-dask names class-data
# archives after the jar's mtime.
pack "$out/$worker_runtime" "$work/worker-runtime" hpc-dask-worker-runtime --mtime=@0
cp "$out/$worker_runtime" "$stage/lib/"

pack "$out/$name.tar.gz" "$work/stage" "$name"

echo "make-release: jlink CLI runtime ($cli_modules)"
runtime "$cli_modules" "$stage/runtime"
pack "$out/$name-linux-x64.tar.gz" "$work/stage" "$name"

du -sh "$work/worker-runtime/hpc-dask-worker-runtime" "$stage/runtime" | sed 's/^/make-release: unpacked /'
ls -sh "$out/$worker_runtime" "$out/$name.tar.gz" "$out/$name-linux-x64.tar.gz" | sed 's/^/make-release: /'
