#!/usr/bin/env bash
# Sets up everything (Python packages, the embedded database server, Chromium,
# LibreOffice) and runs the whole test suite against a real FerretDB server.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test
.venv/bin/ruff check admin_app tests seed scripts
exec .venv/bin/python -m pytest -q "$@"
