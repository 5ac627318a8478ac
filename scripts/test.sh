#!/usr/bin/env bash
# Install pdgraph with its test extras into .venv and run the whole test suite.
# Usage: bash scripts/test.sh [pytest args...]   (README's test command; .ci/run calls it)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# The browser tests (tests/test_map_browser.py) drive Debian's chromium through playwright;
# never `playwright install`. A CJK font makes their screenshots legible.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium fonts-ipafont-gothic >/dev/null
  else
    echo "chromium is not installed (apt-get install chromium): browser tests will be skipped" \
         "(and fail under CI=true)" >&2
  fi
fi
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
# pytest exit 5 = no tests collected: that is a failure for us, not a pass.
if [ "$status" -eq 5 ]; then echo "no tests were collected" >&2; exit 1; fi
exit "$status"
