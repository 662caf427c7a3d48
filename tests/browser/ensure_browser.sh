#!/usr/bin/env bash
# Make sure the browser tier has a Chromium: Playwright's own if installed, else the
# system's; as root with neither, install Debian's chromium (Playwright's download is not
# reachable everywhere).
set -euo pipefail
python=${1:-.venv/bin/python}
if "$python" - <<'PY'
import os, sys
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    sys.exit(0 if os.path.exists(p.chromium.executable_path) else 1)
PY
then
  exit 0
fi
for name in chromium chromium-browser google-chrome google-chrome-stable; do
  command -v "$name" >/dev/null 2>&1 && exit 0
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "No Chromium found. Install one (e.g. 'apt-get install chromium' or 'playwright install chromium')." >&2
exit 1
