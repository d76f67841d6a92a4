# secure-python-science: secure-python plus pinned numpy, pandas and sympy from Debian bookworm.
# Built by `sandbox/build_secure_python.sh science` FROM the same bootstrapped rootfs as secure-python
# (not FROM secure-python, which no longer has apt). The pins below are the single source of truth:
# the image records them as labels, and the build fails if apt installs anything else. The packages'
# own test suites (about 110 MB) are removed. Debian's reference BLAS is single-threaded; should a
# base bring OpenBLAS, OPENBLAS_NUM_THREADS=1 keeps it from starting one thread per host CPU (which
# would run into the launcher's pids limit on a large host).
# Needs network access to the Debian mirror of the rootfs (the build script uses --network host).
ARG BASE_IMAGE=secure-python-rootfs:bookworm

FROM ${BASE_IMAGE} AS rootfs
USER 0:0
LABEL sandbox-harness.build-stage="secure-python-science"
ARG NUMPY_VERSION=1:1.24.2-1+deb12u1
ARG PANDAS_VERSION=1.5.3+dfsg-2
ARG SYMPY_VERSION=1.11.1-1
RUN set -eu; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update -q; \
    apt-get install -y -q --no-install-recommends \
      "python3-numpy=${NUMPY_VERSION}" "python3-pandas=${PANDAS_VERSION}" "python3-sympy=${SYMPY_VERSION}"; \
    for pin in "python3-numpy=${NUMPY_VERSION}" "python3-pandas=${PANDAS_VERSION}" "python3-sympy=${SYMPY_VERSION}"; do \
      got="${pin%%=*}=$(dpkg-query -W -f '${Version}' "${pin%%=*}")"; \
      if [ "$got" != "$pin" ]; then echo "installed $got, pinned $pin" >&2; exit 1; fi; \
    done; \
    find /usr/lib/python3/dist-packages -type d -name tests -prune -exec rm -rf {} +; \
    python3 -c 'import numpy, pandas, sympy; print("numpy", numpy.__version__, "pandas", pandas.__version__, "sympy", sympy.__version__)'
# Same clean-up as secure_python.Dockerfile (kept identical), after the install that still needed apt.
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
ARG NUMPY_VERSION=1:1.24.2-1+deb12u1
ARG PANDAS_VERSION=1.5.3+dfsg-2
ARG SYMPY_VERSION=1.11.1-1
ARG RECIPE_HASH=unknown
ARG BASE_IMAGE_ID=unknown
ARG PYTHON_VERSION=unknown
ARG IMAGE_VERSION=dev
LABEL org.opencontainers.image.title="secure-python-science" \
      org.opencontainers.image.version="${IMAGE_VERSION}" \
      org.opencontainers.image.description="secure-python with pinned numpy, pandas and sympy (sandbox-harness)" \
      sandbox-harness.image-kind="science" \
      sandbox-harness.recipe-hash="${RECIPE_HASH}" \
      sandbox-harness.base-image="${BASE_IMAGE}" \
      sandbox-harness.base-image-id="${BASE_IMAGE_ID}" \
      sandbox-harness.python-version="${PYTHON_VERSION}" \
      sandbox-harness.numpy-version="${NUMPY_VERSION}" \
      sandbox-harness.pandas-version="${PANDAS_VERSION}" \
      sandbox-harness.sympy-version="${SYMPY_VERSION}"
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    HOME=/tmp \
    PYTHONDONTWRITEBYTECODE=1 \
    OPENBLAS_NUM_THREADS=1
WORKDIR /tmp
USER 65534:65534
CMD ["python3", "-I", "-B"]
