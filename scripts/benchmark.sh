#!/usr/bin/env bash
# The benchmark (issue 5): clone speed against cp -r and a native copy loop, the donor's
# throughput under load during clones, the embedded JVM's cost. Writes docs/benchmarks.md and
# docs/benchmark-*.png. Takes a while: see docs/benchmarks.md.
#
#   bash scripts/benchmark.sh [--size-gib N] [--repetitions N] [-Dbench.NAME=VALUE ...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --size-gib) args+=("-Dbench.sizeGiB=$2"); shift 2 ;;
    --size-gib=*) args+=("-Dbench.sizeGiB=${1#*=}"); shift ;;
    --repetitions) args+=("-Dbench.repetitions=$2"); shift 2 ;;
    --repetitions=*) args+=("-Dbench.repetitions=${1#*=}"); shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done

# Beyond what the tests need: gcc for the native copy loop, fonts for the plots (headless AWT).
if ! command -v gcc >/dev/null; then
  echo "The benchmark compiles a small C loop: install gcc first (sudo apt-get install -y gcc)" >&2
  exit 1
fi
if ! fc-list 2>/dev/null | grep -q .; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing fontconfig and fonts-dejavu-core for the plots..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fontconfig fonts-dejavu-core >/dev/null
  else
    echo "The plots need fonts: sudo apt-get install -y fontconfig fonts-dejavu-core" >&2
    exit 1
  fi
fi

exec mvn -B -ntp -Pbenchmark -pl integration-tests -am verify -DskipTests "${args[@]}"
