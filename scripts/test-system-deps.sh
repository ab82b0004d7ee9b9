#!/usr/bin/env bash
# Install the system packages the tests need: Debian's Chromium, the Noto fonts
# (Arabic, CJK, Cyrillic), WenQuanYi Micro Hei (the certificates' Chinese: TrueType
# outlines, so the PDF's text extracts) and npm (for axe-core), through the
# package registry.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null || missing+=(npm)
fc-list 2>/dev/null | grep -q "NotoSansArabic" || missing+=(fonts-noto-core)
fc-list 2>/dev/null | grep -q "NotoSansCJK" || missing+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -q "WenQuanYi Micro Hei" || missing+=(fonts-wqy-microhei)
command -v wrk >/dev/null || missing+=(wrk)  # bench/bench_tracking.py load generator
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Please install: ${missing[*]} (Debian packages)." >&2
  exit 1
fi
echo "Installing ${missing[*]}..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
