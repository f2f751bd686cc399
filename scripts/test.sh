#!/usr/bin/env bash
# Every test: unit tests of the core and integration tests against real mysqld processes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
exec mvn -B -ntp verify "$@"
