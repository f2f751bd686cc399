#!/usr/bin/env bash
# The main job: build the plugin, start MySQL 8.0.31 with it, load sample data,
# CLONE LOCAL DATA DIRECTORY, start a server on the clone, compare; then CLONE INSTANCE FROM
# the donor replaces a third server's data (restarted by the demo), compare, report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
exec mvn -B -ntp -Pdemo -pl integration-tests -am verify -DskipTests "$@"
