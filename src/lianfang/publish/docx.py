"""The 公示 version as one Word document (``公示.docx``) for the units published.

Laid out with the Word handbook's machinery (``handbook.docx``: the reference template's styles
and page, its table writer with repeated header rows and rows that never split, its escaping)
but without the handbook's cover: a portrait title page with the list of units and a table of
contents (units and their parts, with page numbers), then per unit its risk table on landscape A4 and its 办事指南,
flowcharts and 监督渠道 on portrait A4.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from lianfang.handbook.docx import (
    CHART_RESERVE,
    UNIT_HEADING_RESERVE,
    Body,
    Cell,
    Cleaner,
    Col,
    chart_pictures,
    finish_document,
    level_cell,
    new_body,
    open_document,
    w,
)
from lianfang.i18n import tr
from lianfang.publish.view import PublicGuide, PublicUnit, risk_columns

LEVELS = ("高", "中", "低")
# shares of the text width: the risk table's columns
_SHARES = {"department": 8, "post": 9, "power": 11, "level": 7, "category": 7, "description": 21}
_NO_SPACE_BEFORE = '<w:spacing w:before="0" w:after="240"/>'


def _title_page(body: Body, title: str, intro: str, units: list[PublicUnit], clean: Cleaner) -> None:
    body.para(clean(title), "Title", ppr=_NO_SPACE_BEFORE)
    body.para(clean(intro))
    cols = [Col(tr("序号", "No."), 5, True), Col(tr("单位", "Unit"), 40), Col(tr("风险点", "Risk points"), 8, True),
            *(Col(lv, 6, True) for lv in LEVELS), Col(tr("外部流程", "External flows"), 8, True)]
    rows = []
    for n, u in enumerate(units, 1):
        name = u.name + ("" if u.confirmed else tr("（未经集体研究确认）", " (not yet confirmed collectively)"))
        rows.append([str(n), clean(name), str(len(u.risks)),
                     *(str(sum(r.level == lv for r in u.risks)) for lv in LEVELS), str(len(u.guides))])
    body.table(cols, rows, title=clean(tr("各单位公示", "Units")))
    body.toc_here()  # a reader of a 40-page notice finds a unit's part by its page number


def _risks(body: Body, u: PublicUnit, fields: frozenset[str], clean: Cleaner) -> None:
    columns = risk_columns(fields)
    cols = [Col(tr("序号", "No."), 5, True), *(Col(h, _SHARES[k], k not in ("description", "power")) for k, h in columns),
            Col(tr("防控措施", "Prevention measures"), 36)]

    def cells():
        for r in u.risks:
            row: list[Cell | str] = [str(r.seq)]
            for key, _ in columns:
                value = getattr(r, key)
                row.append(level_cell(value, clean) if key == "level" and value else clean(value or "—"))
            row.append(clean("\n".join(f"{n}. {m.text()}" for n, m in enumerate(r.measures, 1)) or "—"))
            yield row

    body.table(cols, cells(), small=True,
               title=clean(tr("{u} 岗位权力行使风险防控一览表", "{u}: risk prevention table", u=u.name)))


def _guide(body: Body, g: PublicGuide, clean: Cleaner, reserve: int) -> bool:
    """One external flow: its heading, its chart on the same page (a split chart: its first page,
    then each further page on a page of its own, captioned ``（第2/3页）``), then its 办事指南 as a
    table. False if a page of the chart could not be read."""
    body.heading(3, clean(g.title))
    drawn = not chart_pictures(body, [(clean(c.caption), c.png, c.svg_file) for c in g.charts if c.png], reserve)
    rows = [*g.rows, *([(tr("监督渠道", "Supervision"), "；".join(g.supervision))] if g.supervision else [])]
    if rows:
        body.table([Col(tr("项目", "Item"), 18, True), Col(tr("内容", "Content"), 82)],
                   [[clean(label), clean(value)] for label, value in rows],
                   title=clean(tr("{f} 办事指南", "{f}: service guide", f=g.title)))
    return drawn


def render_docx(title: str, organisation: str, units: list[PublicUnit], fields: frozenset[str], *,
                when: datetime, tool: str, template: Path | None = None) -> tuple[bytes, list[str]]:
    """``公示.docx``'s bytes and the notes a reader should know (characters removed, charts unreadable).

    Raises ``handbook.docx.DocxProblem`` when the template is not a usable Word document.
    """
    document = open_document(template)
    body_el = document.element.body
    for child in list(body_el):  # the handbook's cover: the 公示 starts with its own title
        if child.tag != w("sectPr"):
            body_el.remove(child)
    body = new_body(document, template=template)
    clean = body.clean
    notes: list[str] = []
    # the title page is portrait: its list of units and the contents' page numbers fit the width
    _title_page(body, title, tr(
        "以下为各单位查找的廉政风险点、风险等级和“一对一”防控措施，以及对外办事的流程和监督渠道，接受单位内部和社会监督。",
        "The units' integrity risk points, their levels and one-to-one prevention measures, with the external "
        "procedures and supervision channels, published for internal and public supervision."), units, clean)
    for u in units:
        clean.context = u.name
        body.orient(True)
        body.heading(1, clean(f"{u.name}{tr('廉政风险点及防控措施公示', ': integrity risks and measures')}"))
        if not u.confirmed:
            body.para(clean(tr("（未经集体研究确认）", "(not yet confirmed collectively)")), "LfNote")
        if u.criteria:
            body.table([Col(tr("风险等级", "Level"), 8, True), Col(tr("划分标准", "Criterion"), 92)],
                       [[level_cell(lv, clean), clean(text)] for lv, text in u.criteria], small=True,
                       title=clean(tr("风险等级划分标准", "Risk level criteria")))
        if u.risks:
            _risks(body, u, fields, clean)
        else:
            body.none()
        body.orient(False)
        if u.guides:
            body.heading(2, clean(tr("办事指南与外部流程图", "Service guides and external flowcharts")))
            for k, g in enumerate(u.guides):
                if k:
                    body.page_break()
                # the first chart shares its page with the section's heading
                if not _guide(body, g, clean, CHART_RESERVE + (0 if k else UNIT_HEADING_RESERVE)):
                    notes.append(tr("{u}：流程 {f} 的流程图无法读取，未放入公示.docx", "{u}: the chart of flow {f} "
                                    "could not be read and is not in the Word version", u=u.name, f=g.id))
        body.heading(2, clean(tr("监督渠道", "Supervision channels")))
        for line in u.supervision:
            body.para(clean(f"・{line}"), "LfList")
        if not u.supervision:
            body.para(clean(tr("本单位未填写监督渠道。", "No supervision channel is given.")), "LfNote")
    data = finish_document(document, body, title=title, author=organisation, tool=tool, when=when,
                           subject=tr("廉政风险点及防控措施公示", "integrity risk points and measures (public)"))
    if clean.removed:
        notes.append(tr("公示.docx：删除了 {n} 个 XML 无法容纳的控制字符（{w}）",
                        "公示.docx: removed {n} control characters XML cannot hold ({w})",
                        n=clean.removed, w="、".join(clean.where) or "?"))
    return data, notes
