#!/usr/bin/env bash
# Installs the Debian packages reportgen needs when they are missing.
# As root it uses apt-get; otherwise it says what to run and carries on
# (reportgen still builds everything but the LibreOffice agenda pack, and makes the pack
# without python3-uno, only more slowly).
# With --tests it also installs Chromium, in which the tests look at report.html as a reader
# sees it (tests/test_html.py skips those tests, saying so, where it cannot be installed).
set -u
missing=()
if [ "${1:-}" = "--tests" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
# LibreOffice's Python bridge: a build then starts LibreOffice first and converts the cover
# over UNO (reportgen/unooffice.py); without it the cover is converted the slower, cold way.
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || missing+=(python3-uno)
fc-list 2>/dev/null | grep -qi "Liberation Sans" || missing+=(fonts-liberation)
fc-list 2>/dev/null | grep -qi "DejaVu Sans" || missing+=(fonts-dejavu-core)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "system-deps: apt-get failed; install by hand: apt-get install ${missing[*]}" >&2
         [ "${1:-}" = "--tests" ] && exit 0; exit 1; }  # without Chromium its tests skip, saying so
else
  echo "system-deps: missing ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
fi
