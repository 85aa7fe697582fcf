#!/usr/bin/env bash
# Serve the app on 127.0.0.1, take the README's screenshots from it, stop the server.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${SCREENSHOT_PORT:-8765}"
BASE="http://127.0.0.1:${PORT}"
DEBUG=1 .venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload >var/screenshots-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fs -o /dev/null "${BASE}/accounts/login/" && break
  sleep 0.5
done
.venv/bin/python tools/screenshots.py "$BASE" admin "$(cat var/admin-password)" docs/screenshots
echo "Screenshots written to docs/screenshots/"
