#!/usr/bin/env bash
# Installs what lianfang needs outside Python: the Graphviz `dot` program and a CJK font.
# With LIANFANG_PRINT_DEPS=1 (make print-check) also LibreOffice Writer, poppler and the Noto CJK
# fonts, which the PDF handbook and its print tests need.
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
# the print check (tests/test_print.py) prints the Excel handbook with LibreOffice and reads the PDF
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# Calibri's metric twin: LibreOffice then sizes columns as Excel does, and prints the 一览表 as planned
fc-list 2>/dev/null | grep -qi carlito || need+=(fonts-crosextra-carlito)
# headless Chromium: the test that loads the published pages in a real browser
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
if [ "${LIANFANG_PRINT_DEPS:-0}" = 1 ]; then
  command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
  command -v pdffonts >/dev/null 2>&1 || need+=(poppler-utils)
  fc-list 2>/dev/null | grep -q "Noto Serif CJK SC" || need+=(fonts-noto-cjk)
fi
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
