"""The one palette of every output: flowcharts, Excel, Word and HTML.

Printed handbooks are mostly black and white, so the three level fills are chosen for their grey
value first (about 71 %, 85 % and 93 % luminance), hue second; the level is always written in text
as well, never carried by colour alone. Colours are RGB hex without ``#``: Excel takes them so;
``css()`` adds the ``#`` that Graphviz, SVG and HTML want.
"""

from __future__ import annotations

from types import MappingProxyType

# risk level (its Chinese value) -> (fill, ink)
LEVEL_FILL = MappingProxyType({"高": "E8A0A0", "中": "F5D89A", "低": "E6F2E6"})
LEVEL_INK = MappingProxyType({"高": "7A0000", "中": "6B4A00", "低": "1E4D1E"})

HEADER_FILL = "D9D9D9"  # table headers, start/end terminals
LANE_FILL = "F7F7F7"  # swimlanes: a light grey that prints as a faint band
LANE_BORDER = "A6A6A6"
BORDER = "000000"
MUTED_INK = "595959"  # back edges, notes, legends
LINK_INK = "0563C1"


def css(colour: str) -> str:
    """``"E8A0A0"`` -> ``"#E8A0A0"`` for Graphviz, SVG and HTML."""
    return "#" + colour


def luminance(colour: str) -> float:
    """Relative grey value 0..1 as a black-and-white printer renders it (Rec. 601 weights)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return (0.299 * r + 0.587 * g + 0.114 * b) / 255
