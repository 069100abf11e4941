#!/usr/bin/env bash
# Install sitrace into .venv and run the main job: the data centre (REST API and
# its docs) on a fresh SQLite demo database, seeded with a national measurement
# system. Point a browser at http://127.0.0.1:8000/docs; the demo users' bearer
# tokens are printed at start. Extra arguments go to `sitrace serve`
# (e.g. --port 8080, --host 0.0.0.0).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
# The DCC schemas are PTB's and are not shipped: use the workspace's copy when present.
if [ -z "${SITRACE_DCC_SCHEMAS:-}" ] && [ -f ../shared/dcc/schema/catalog.xml ]; then
    export SITRACE_DCC_SCHEMAS="$(cd ../shared/dcc/schema && pwd)"
fi
exec .venv/bin/sitrace serve --demo "$@"
