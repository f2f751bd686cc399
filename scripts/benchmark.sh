#!/usr/bin/env bash
# The benchmark (issue 5): clone speed against cp -r and a native copy loop, the donor's
# throughput under load during clones, the embedded JVM's cost, remote clone against cp -r and
# mydumper/myloader. Writes docs/benchmarks.md and docs/benchmark-*.png. Takes a while: see
# docs/benchmarks.md.
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

# The remote part compares against a logical dump and load with mydumper/myloader (issue 12).
# Without them it reports that comparison as skipped, with the reason this leaves in the environment.
wants_remote=yes
for a in "${args[@]}"; do
  case "$a" in -Dbench.phases=*) [[ ",${a#*=}," == *,remote,* ]] || wants_remote=no ;; esac
done
if [ "$wants_remote" = yes ] && ! command -v mydumper >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing mydumper (mydumper and myloader) for the remote part..."
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mydumper >/dev/null; }; then
      export BENCH_MYDUMPER_NOTE="apt-get install mydumper failed when scripts/benchmark.sh ran"
      echo "Could not install mydumper: the remote part will skip the dump and load" >&2
    fi
  else
    export BENCH_MYDUMPER_NOTE="scripts/benchmark.sh did not run as root, so it could not install it"
    echo "mydumper is missing (sudo apt-get install -y mydumper): the remote part will skip the dump and load" >&2
  fi
fi

exec mvn -B -ntp -Pbenchmark -pl integration-tests -am verify -DskipTests "${args[@]}"
