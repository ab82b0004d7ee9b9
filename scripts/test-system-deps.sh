#!/usr/bin/env bash
# Install the system packages the browser and PDF tests need: Debian's Chromium and
# the Noto fonts (Arabic, CJK, Cyrillic), through the package registry.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -q "NotoSansArabic" || missing+=(fonts-noto-core)
fc-list 2>/dev/null | grep -q "NotoSansCJK" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Please install: ${missing[*]} (Debian packages)." >&2
  exit 1
fi
echo "Installing ${missing[*]}..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
