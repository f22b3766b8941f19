#!/usr/bin/env bash
# The services' base image: Debian trixie with OpenJDK 21's headless JRE and CA certificates, built without a daemon or
# a container registry (none is reachable from our machines), as a `docker save` archive Jib can start from.
# Built once and cached; delete the archive to rebuild. Usage: base-image.sh [archive]
set -euo pipefail
out="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/unsubsync/base-jre21.docker.tar}"
if [[ -s "$out" ]]; then
  echo "Base image: $out (cached)"
  exit 0
fi
for tool in mmdebstrap buildah; do
  command -v "$tool" >/dev/null || { echo "base-image.sh needs $tool (apt-get install mmdebstrap buildah)" >&2; exit 1; }
done
mkdir -p "$(dirname "$out")"
# The machine's own Debian mirror (bookworm has no Java 21; trixie does, and the installed keyring accepts it).
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -m1 '/debian$' || true)
mirror="${mirror:-http://deb.debian.org/debian}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "Building the base image from $mirror (about a minute)..."
mmdebstrap --quiet --variant=apt --include=openjdk-21-jre-headless,ca-certificates \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  trixie "$work/rootfs.tar" "$mirror"
container=$(buildah from scratch)
buildah add --quiet "$container" "$work/rootfs.tar" / >/dev/null
# An image from scratch has no PATH unless it is set.
buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env JAVA_HOME=/usr/lib/jvm/java-21-openjdk-amd64 "$container"
buildah commit --quiet "$container" localhost/unsubsync-base-jre21 >/dev/null
buildah rm "$container" >/dev/null
buildah push --quiet localhost/unsubsync-base-jre21 "docker-archive:$work/base.docker.tar:localhost/unsubsync-base-jre21:latest"
mv "$work/base.docker.tar" "$out"
echo "Base image: $out"
