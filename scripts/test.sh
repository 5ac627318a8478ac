#!/usr/bin/env bash
# Install pdgraph with its test extras into .venv and run the whole test suite.
# Usage: bash scripts/test.sh [pytest args...]   (README's test command; .ci/run calls it)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
# pytest exit 5 = no tests collected: that is a failure for us, not a pass.
if [ "$status" -eq 5 ]; then echo "no tests were collected" >&2; exit 1; fi
exit "$status"
