#!/usr/bin/env bash
# The translations are compiled with gettext's msgfmt (make messages): installed with apt
# when it is missing and we are root on Debian or Ubuntu; otherwise said plainly, since
# without it the pages cannot be translated.
set -euo pipefail
command -v msgfmt >/dev/null && exit 0
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "gettext (msgfmt) is missing: install it (Debian/Ubuntu: apt-get install gettext;" \
    "macOS: brew install gettext), then run make again" >&2
  exit 1
fi
echo "installing gettext (msgfmt)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq gettext >/dev/null
