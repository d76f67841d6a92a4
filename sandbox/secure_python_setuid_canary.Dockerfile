# secure-python-setuid-canary: secure-python plus ONE setuid-root program. For tests only.
# The secure-python images ship no setuid or setgid file, so no-new-privileges (control 6) has
# nothing to stop in them and a probe for it could never fail there. This variant gives it
# something to stop: /usr/local/bin/setuid-canary, a setuid-root copy of cat(1). Run by uid 65534
# without no-new-privileges it gets effective uid 0 (priv.setuid-binary reports that); with it, the
# kernel ignores the bit. Built by `sandbox/build_secure_python.sh canary` (and `all`) FROM
# secure-python; used by the ablation's no-new-privileges row and the sandbox's tests. Never run
# untrusted code in it outside them.
ARG BASE_IMAGE=secure-python:latest
FROM ${BASE_IMAGE}
USER 0:0
RUN set -eu; \
    cp /bin/cat /usr/local/bin/setuid-canary; \
    chown 0:0 /usr/local/bin/setuid-canary; \
    chmod 4755 /usr/local/bin/setuid-canary; \
    test "$(find / -xdev ! -type l -perm /6000)" = /usr/local/bin/setuid-canary
ARG BASE_IMAGE
ARG RECIPE_HASH=unknown
ARG BASE_IMAGE_ID=unknown
ARG PYTHON_VERSION=unknown
ARG IMAGE_VERSION=dev
LABEL org.opencontainers.image.title="secure-python-setuid-canary" \
      org.opencontainers.image.version="${IMAGE_VERSION}" \
      org.opencontainers.image.description="TEST ONLY: secure-python plus a setuid-root canary, to show that no-new-privileges works (sandbox-harness)" \
      sandbox-harness.image-kind="setuid-canary" \
      sandbox-harness.recipe-hash="${RECIPE_HASH}" \
      sandbox-harness.base-image="${BASE_IMAGE}" \
      sandbox-harness.base-image-id="${BASE_IMAGE_ID}" \
      sandbox-harness.python-version="${PYTHON_VERSION}" \
      sandbox-harness.setuid-canary="/usr/local/bin/setuid-canary"
USER 65534:65534
