# secure-python: the minimal runtime in which sandbox/run_secure_python.sh runs one untrusted script.
# Built by `sandbox/build_secure_python.sh base`, which passes BASE_IMAGE (the Debian bookworm rootfs
# it bootstraps with mmdebstrap and loads with `docker import`) and the labels. BASE_IMAGE may be any
# Debian-based image with python3 on PATH (see "Building from a registry base" in sandbox/README.md).
# Works with the classic builder and with BuildKit; needs no build context and no network.
ARG BASE_IMAGE=secure-python-rootfs:bookworm

FROM ${BASE_IMAGE} AS rootfs
USER 0:0
LABEL sandbox-harness.build-stage="secure-python"
# Remove what a running script never needs: the package manager's downloader and keys, filesystem
# tools, docs, caches and logs; then strip every setuid/setgid bit and prove none is left. Last, a
# copy of timeout(1), PID 1 of every sandbox (the launcher's in-container deadline), goes first on
# PATH as /usr/local/bin/timeout, executable but not readable for the script's uid: the kernel then
# makes that process non-dumpable, so a script running as the same uid can neither ptrace it nor
# open /proc/1/mem to hold its deadline back. gVisor (runsc) cannot load a file it may not read; its
# PATH search passes over that copy and finds the readable /usr/bin/timeout instead.
# (Kept identical in secure_python_science.Dockerfile.)
RUN set -eu; \
    export DEBIAN_FRONTEND=noninteractive; \
    for p in adduser apt libapt-pkg6.0 gpgv debian-archive-keyring e2fsprogs logsave libext2fs2 libss2 \
             libgnutls30 libhogweed6 libnettle8 libp11-kit0 libtasn1-6 libidn2-0 libunistring2 \
             libxxhash0 libseccomp2; do \
      if dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q ' installed$'; then set -- "$@" "$p"; fi; \
    done; \
    if [ "$#" -gt 0 ]; then dpkg --purge "$@"; fi; \
    rm -rf /usr/share/doc/* /usr/share/man /usr/share/info /usr/share/locale /usr/share/lintian \
           /var/cache/debconf/*-old /var/lib/apt /var/cache/apt /var/log/* /var/cache/ldconfig/* /tmp/* /root/.cache; \
    find / -xdev ! -type l -perm /6000 -exec chmod ug-s {} +; \
    left=$(find / -xdev ! -type l -perm /6000); \
    if [ -n "$left" ]; then echo "setuid/setgid files left: $left" >&2; exit 1; fi; \
    deadline=$(command -v timeout) || { echo "timeout(1) not found: the launcher runs it as PID 1" >&2; exit 1; }; \
    cp "$deadline" /usr/local/bin/timeout; \
    chmod 0711 /usr/local/bin/timeout; \
    python3 -c 'import sys; assert sys.version_info >= (3, 8), sys.version'

# One flat layer holding only what is left above (files deleted in a later layer would still ship).
FROM scratch
COPY --from=rootfs / /
ARG BASE_IMAGE
ARG RECIPE_HASH=unknown
ARG BASE_IMAGE_ID=unknown
ARG PYTHON_VERSION=unknown
ARG IMAGE_VERSION=dev
LABEL org.opencontainers.image.title="secure-python" \
      org.opencontainers.image.version="${IMAGE_VERSION}" \
      org.opencontainers.image.description="Minimal Python runtime for one untrusted script (sandbox-harness)" \
      sandbox-harness.image-kind="base" \
      sandbox-harness.recipe-hash="${RECIPE_HASH}" \
      sandbox-harness.base-image="${BASE_IMAGE}" \
      sandbox-harness.base-image-id="${BASE_IMAGE_ID}" \
      sandbox-harness.python-version="${PYTHON_VERSION}"
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    HOME=/tmp \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /tmp
USER 65534:65534
CMD ["python3", "-I", "-B"]
