#!/usr/bin/env bash
# The main job on the bundled examples. Grows with the project: convert and read the examples.
set -euo pipefail
cd "$(dirname "$0")/.."
LF=.venv/bin/lianfang
mkdir -p build/demo
for f in examples/units/*.yaml; do
  name=$(basename "$f" .yaml)
  $LF convert "$f" "build/demo/$name.xlsx" --force
  $LF convert "build/demo/$name.xlsx" - > "build/demo/$name.roundtrip.yaml"
done
echo "demo: converted examples into build/demo/"
$LF flowchart examples/units/*.yaml -o build/demo/flowcharts  # the .xlsx beside each .yaml is the same unit
echo "demo: drew every example flow into build/demo/flowcharts/"
$LF handbook build examples/handbook.yaml -o build/handbook
echo "demo: the handbook of the examples is build/handbook/handbook.md and build/handbook/handbook.xlsx"
