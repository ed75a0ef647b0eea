#!/usr/bin/env bash
# Install what the print tests (tests/integration/reports/test_print.py) use, when it is missing: Debian's
# chromium and its driver (the HTML reports laid out at 390 and 1366 pixels), poppler-utils (pdftoppm: the PDF
# as pages) and fonts-noto-color-emoji (emoji printed in the PDF); and promtool (Debian's prometheus, which is
# installed and not started) for the alert rules' test (tests/integration/test_alert_rules.py). CI runs as root on a fresh machine, where apt
# works; elsewhere this only says what is missing, and those tests are skipped unless CI is set.
# Usage: scripts/install-print-tools.sh
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)

if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "not installed (install as root with apt-get): ${need[*]}" >&2
  exit 0
fi
echo "installing ${need[*]}…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq "${need[@]}" >&2
if [[ " ${need[*]} " == *" prometheus "* ]]; then
  pkill -x prometheus 2>/dev/null || true  # only promtool is wanted: no Prometheus server left running
fi
