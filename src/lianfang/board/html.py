"""HTML pages (the status board, the 公示 pages): one Jinja environment that escapes every value.

Pages are static and self-contained: styles inline, charts as inline SVG, no script, a print
stylesheet for A4. Only SVG that lianfang itself made (matplotlib, Graphviz) is marked safe.
"""

from __future__ import annotations

from functools import cache

from lianfang import __version__, palette
from lianfang.board.campaign import EXPECTATION_TEXT
from lianfang.board.charts import Picture
from lianfang.board.render import _measures, _score, _status, headline, pct
from lianfang.board.status import LEVELS, Board
from lianfang.i18n import current_lang, tr


@cache
def environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(loader=PackageLoader("lianfang", "templates"), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html", "html.j2"], default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True)


def page_globals(title: str) -> dict:
    return {"lang": "zh-CN" if current_lang() == "zh" else "en", "version": __version__, "palette": palette,
            "page_title": title, "footer": tr("由 lianfang {v} 生成", "made by lianfang {v}", v=__version__)}


def render_html(board: Board, pictures: list[Picture]) -> str:
    template = environment().get_template("web/board.html.j2")
    t = {"units": tr("各单位情况", "Units"), "phases": tr("阶段进度", "Campaign phases"), "unit": tr("单位", "Unit"),
         "assessment": tr("考核评分", "Assessment"), "score": tr("得分", "Score"), "charts": tr("图表", "Charts")}
    units_head = [tr("单位", "Unit"), tr("文件", "File"), tr("状态", "Status"), tr("错误", "Errors"), tr("警告", "Warnings"),
                  *(tr(f"{lv}风险", lv) for lv in LEVELS), tr("一对一覆盖", "Coverage"),
                  tr("措施 已落实/落实中/未落实", "Measures done/doing/todo"), tr("逾期措施", "Overdue"),
                  tr("待轮岗", "Rotation due"), tr("发回未改", "Returned open"), tr("考核得分", "Score")]
    return template.render(
        **page_globals(board.title), board=board, headline=headline(board), pictures=pictures, t=t,
        units_head=units_head, levels=LEVELS, criteria=[c for c, w in board.weights.items() if w],
        status=_status, pct=pct, measures=_measures, score=_score,
        expects=lambda p: tr(*EXPECTATION_TEXT[p.expects]),
    )
