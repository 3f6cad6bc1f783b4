#!/usr/bin/env bash
# Installs the Debian packages the project needs, once. Called by `make`; extra package
# names given as arguments are installed too (e.g. faketime for `make test-any-day`).
#   fonts-noto-cjk        Chinese fonts embedded in generated PDFs
#   libharfbuzz-subset0   font subsetting (a 20-page table: 6 s instead of 25 s)
#   libpango-1.0-0 libpangoft2-1.0-0  WeasyPrint's text layout
#   poppler-utils         pdftotext, used by tests to read PDFs back
#   chromium              the browser the end-to-end tests (tests/e2e, Playwright) drive
#   python3-venv          `python3 -m venv` on a bare Debian
set -euo pipefail
PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils chromium "$@")
python3 -c 'import ensurepip' 2>/dev/null || PACKAGES+=(python3-venv)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them as root, then run make again:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
