"""A unit with flows too long for one A4 page, made from an example's own flows.

Used by the tests of split charts in every output (handbook Markdown, Excel, Word; publish): a
flow stretched to 40 steps by repeating its own steps (names, bodies, time limits and branches stay
real) is drawn over several A4 pages however its layout improves.
"""

from __future__ import annotations

from pathlib import Path

from lianfang.io.reader import read_workbook
from lianfang.io.yaml_writer import dump_yaml
from lianfang.model.workbook import Flow, Step

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "units" / "chwsj.yaml"
LONG_FLOWS = ("LC-01", "LC-02")  # CHWSJ's external and internal flow of 医疗机构执业许可
STEPS = 40


def stretch(flow: Flow, n: int) -> Flow:
    """``flow`` made ``n`` steps long from its own steps: copy k's ends lead to copy k+1's start."""
    steps: list[Step] = []
    copy = 0
    while len(steps) < n:
        base = copy * 100
        for s in flow.steps[: n - len(steps)]:
            nxt = [f"{int(t) + base}" + (f"({c})" if c else "") for t, c in s.transitions]
            steps.append(Step(id=str(int(s.id) + base), name=s.name, actor=s.actor, time_limit=s.time_limit,
                              next=nxt, risks=list(s.risks)))
        copy += 1
    ids = [s.id for s in steps]
    out = []
    for s in steps:
        nxt = [x for x in s.next if x.split("(")[0] in ids]
        if not s.next:
            nxt = [t.id for t in steps if int(t.id) // 100 == int(s.id) // 100 + 1][:1]
        out.append(s.model_copy(update={"next": nxt}))
    return flow.model_copy(update={"steps": out})


def long_flow_project(dest: Path, steps: int = STEPS) -> Path:
    """A project folder holding CHWSJ with only its flows LC-01 and LC-02, each ``steps`` long;
    returns its handbook.yaml."""
    wb = read_workbook(EXAMPLE).workbook
    flows = [stretch(wb.flows_by_id[fid], steps) for fid in LONG_FLOWS]
    # the institutions' files are not part of this project
    institutions = [i.model_copy(update={"file": None}) for i in wb.institutions]
    wb = wb.model_copy(update={"flows": flows, "institutions": institutions})
    (dest / "units").mkdir(parents=True, exist_ok=True)
    (dest / "units" / "chwsj.yaml").write_text(dump_yaml(wb), encoding="utf-8")
    config = dest / "handbook.yaml"
    config.write_text("title: 长流程测试手册\norganisation: 巢湖市卫生局\nyear: 2026\nunits: [units/chwsj.yaml]\n"
                      "output: build/handbook\n", encoding="utf-8")
    return config
