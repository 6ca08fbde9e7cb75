#!/usr/bin/env bash
# Sets up and starts the app on the embedded database, with the Ningxia places,
# the allocation table and a demo account per role, under the production server
# (gunicorn, several workers; the embedded database belongs to its master process).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export FLASK_APP=admin_app
.venv/bin/flask seed places
.venv/bin/flask seed allocation
.venv/bin/flask seed demo
.venv/bin/flask migrate
.venv/bin/flask create-indexes >/dev/null
export HOST=${HOST:-127.0.0.1}
export PORT=${PORT:-5000}
echo
echo "未保站工作平台已启动：http://$HOST:$PORT/  （按 Ctrl+C 停止）"
echo "演示账号见上表；首次登录后可在右上角修改密码。"
exec .venv/bin/gunicorn -c python:admin_app.serving admin_app.wsgi:app
