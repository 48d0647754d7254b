#!/usr/bin/env bash
# Installs what lianfang needs outside Python: the Graphviz `dot` program and a CJK font.
# Also LibreOffice (Calc and Writer), poppler, the Noto CJK and Carlito fonts and Chromium, which the
# print checks and the browser test of the published pages need (make test runs them all).
# As root it uses apt-get; otherwise it prints the exact command to run.
set -u
need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
# Debian's python3 needs python3-venv for `python3 -m venv`
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
command -v git >/dev/null 2>&1 || need+=(git)
if ! command -v fc-list >/dev/null 2>&1; then
  need+=(fontconfig fonts-wqy-microhei)
elif [ -z "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; then
  need+=(fonts-wqy-microhei)
fi
# the print checks print the Excel handbook (tests/test_print.py) and the Word handbook
# (tests/test_handbook_docx.py) with LibreOffice and read the PDFs with poppler
installed() { dpkg -s "$1" >/dev/null 2>&1; }
if command -v dpkg >/dev/null 2>&1; then
  installed libreoffice-calc-nogui || installed libreoffice-calc || need+=(libreoffice-calc-nogui)
  installed libreoffice-writer-nogui || installed libreoffice-writer || need+=(libreoffice-writer-nogui)
else
  command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui libreoffice-writer-nogui)
fi
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# the fonts the Word handbook's PDF maps 仿宋/黑体/宋体 to (docs/handbook.md)
fc-list 2>/dev/null | grep -q "Noto Serif CJK SC" || need+=(fonts-noto-cjk)
# Calibri's metric twin: LibreOffice then sizes columns as Excel does, and prints the 一览表 as planned
fc-list 2>/dev/null | grep -qi carlito || need+=(fonts-crosextra-carlito)
# headless Chromium: the test that loads the published pages in a real browser
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "lianfang: please install: ${need[*]} (Graphviz and a Chinese font) with your package manager" >&2
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "lianfang: installing ${need[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || { echo "lianfang: apt-get install ${need[*]} failed" >&2; exit 1; }
else
  echo "lianfang: not root, so not installing system packages. Run:" >&2
  echo "  sudo apt-get install -y ${need[*]}" >&2
fi
