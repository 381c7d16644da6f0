#!/usr/bin/env bash
# The browser tests' set-up (run by `make test`): Debian's Chromium, and CJK fonts so Chinese
# renders as it does for readers. Playwright's own browser download is not used: it needs a host
# this machine cannot reach, and Debian's package is what the tests are written against.
set -euo pipefail
if [ -n "${XXGK_CHROMIUM:-}" ] && [ -x "$XXGK_CHROMIUM" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; then exit 0; fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing Debian's chromium and fonts-noto-cjk for the browser tests"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
command -v chromium
