#!/usr/bin/env bash
# Quick start, command 2: install with the test extra and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
python -m pytest "$@"
