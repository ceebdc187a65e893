#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; Chinese needs a CJK font or it renders as boxes.
set -euo pipefail
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || missing+=(fonts-wqy-zenhei)
((${#missing[@]})) || exit 0
echo "installing ${missing[*]} for the browser tests"
if [[ $(id -u) -ne 0 ]]; then
  echo "need root to apt-get install ${missing[*]}" >&2
  [[ "${CI:-}" == "true" ]] && exit 1
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
