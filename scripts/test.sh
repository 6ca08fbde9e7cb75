#!/usr/bin/env bash
# Sets up everything (Python packages, the embedded database server, Chromium,
# LibreOffice) and runs the whole test suite against a real FerretDB server.
# Arguments go to pytest; `--today 2027-12-31T23:30` runs the suite with the clock at that
# Beijing time (tests/conftest.py), e.g. ./scripts/test.sh --today 2027-12-31T23:30
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test
.venv/bin/ruff check admin_app tests seed scripts
# Two workers (one FerretDB server each): the suite takes about 60 % of the time of one.
exec .venv/bin/python -m pytest -q -n "${WBZ_TEST_WORKERS:-2}" "$@"
