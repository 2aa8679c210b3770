#!/usr/bin/env bash
# Quick start, command 1: install, build the whole data package from data/*.csv and schemas/, validate it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
china-russia-diplomacy build
china-russia-diplomacy validate
