#!/usr/bin/env bash
# The whole test suite, as README.md gives it and .ci/run runs it: the system services the tests use
# (PostgreSQL's server binaries, from Debian), the package with its test extras, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-services.sh
python3 -m pip install -q -e ".[test]"
python3 -m pytest -q "$@"
