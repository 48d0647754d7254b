#!/usr/bin/env bash
# The main job on the bundled examples: check them, convert them, draw their flows and compile
# the handbook of the whole system into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
LF=.venv/bin/lianfang
mkdir -p build/demo
$LF validate examples/units/*.yaml
echo "demo: the same unit as sent in the Excel 97–2003 format (.xls):"
$LF validate examples/units/chcdc.xls
echo "demo: examples/broken/broken.yaml shows what a send-back looks like (exit status 1 expected):"
$LF validate examples/broken/broken.yaml || true
for f in examples/units/*.yaml; do
  name=$(basename "$f" .yaml)
  $LF convert "$f" "build/demo/$name.xlsx" --force
  $LF convert "build/demo/$name.xlsx" - > "build/demo/$name.roundtrip.yaml"
done
echo "demo: converted examples into build/demo/"
# a unit's old Word 一览表 into a workbook, then checked: the import has no reading errors (LF1xx),
# the findings left are what the unit must still answer (exit status 1 expected: criteria missing)
$LF import examples/legacy/chcdc_风险点一览表.docx -o build/demo/chcdc_imported.xlsx --unit-code CHCDC \
  --report build/demo/chcdc_导入报告.md --force > /dev/null
echo "demo: imported examples/legacy/chcdc_风险点一览表.docx into build/demo/chcdc_imported.xlsx (report: build/demo/chcdc_导入报告.md)"
$LF validate build/demo/chcdc_imported.xlsx || true
$LF flowchart examples/units/*.yaml -o build/demo/flowcharts  # the .xlsx beside each .yaml is the same unit
echo "demo: drew every example flow into build/demo/flowcharts/"
if command -v soffice >/dev/null 2>&1; then
  $LF handbook build examples/handbook.yaml -o build/handbook --format md,xlsx,docx,pdf
  echo "demo: the handbook of the examples is build/handbook/handbook.{md,xlsx,docx,pdf}"
else
  $LF handbook build examples/handbook.yaml -o build/handbook
  echo "demo: the handbook of the examples is build/handbook/handbook.{md,xlsx,docx} (no PDF: LibreOffice is missing; scripts/system-deps.sh installs it as root)"
fi
$LF status examples/handbook.yaml --as-of 2026-10-15
$LF status examples/handbook.yaml --as-of 2026-10-15 --format html -o build/status/status.html --force
$LF status examples/handbook.yaml --as-of 2026-10-15 --format xlsx -o build/status/status.xlsx --force
echo "demo: the bureau's board is build/status/status.html and build/status/status.xlsx (考核评分表 inside)"
$LF publish examples/handbook.yaml -o build/publish --force
echo "demo: the public (公示) pages are build/publish/index.html and one page per unit, with 公示一览表.xlsx and 公示.docx"
