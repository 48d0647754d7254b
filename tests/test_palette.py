"""The shared palette stays legible in black and white."""

from lianfang.palette import LEVEL_FILL, LEVEL_INK, css, luminance


def test_level_fills_differ_in_grey_value():
    greys = sorted(luminance(LEVEL_FILL[level]) for level in ("高", "中", "低"))
    assert all(b - a >= 0.07 for a, b in zip(greys, greys[1:], strict=False))
    # 高 is the darkest fill, so a grey printout still ranks the levels
    assert luminance(LEVEL_FILL["高"]) == greys[0]


def test_ink_is_dark_on_its_fill():
    for level, fill in LEVEL_FILL.items():
        assert luminance(fill) - luminance(LEVEL_INK[level]) > 0.45


def test_css_adds_hash():
    assert css("E8A0A0") == "#E8A0A0"
