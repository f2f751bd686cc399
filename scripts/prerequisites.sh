#!/usr/bin/env bash
# Installs what the official MySQL 8.0.31 binary needs beyond a java-maven machine:
# Debian's libaio1 (and libnuma1), xfsprogs (mkfs.xfs) for the tests and benchmark case that
# clone on a loop-mounted XFS image with reflink, and util-linux-extra (fincore) for a test. As
# root it installs them; otherwise it says what to install.
set -euo pipefail

missing=()
for lib in libaio.so.1:libaio1 libnuma.so.1:libnuma1; do
  if ! ldconfig -p | grep -q "${lib%%:*}"; then
    missing+=("${lib##*:}")
  fi
done
command -v mkfs.xfs >/dev/null || [ -x /usr/sbin/mkfs.xfs ] || missing+=(xfsprogs)
# fincore (page-cache residency), which a test uses to check that a clone's data bypasses the cache.
command -v fincore >/dev/null || missing+=(util-linux-extra)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${missing[*]} for mysqld..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "mysqld needs the Debian packages: ${missing[*]}" >&2
  echo "Install them first:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
