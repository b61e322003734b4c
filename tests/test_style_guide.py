"""docs/style.md's colour table is true: each ratio is recomputed with WCAG's formula and meets what the table
says the use needs, and every colour site.css uses is in the guide."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "style.md").read_text()
ROW = re.compile(r"^\| [^|]+ \| `(#[0-9a-f]{6})`[^|]* \| `(#[0-9a-f]{6})`[^|]* \| ([\d.]+) \| ([\d.]+|-) \|$", re.M)


def relative_luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def six_digits(colour: str) -> str:
    colour = colour.lower()
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


def test_the_formula_gives_the_known_extremes():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


ROWS = ROW.findall(GUIDE)


@pytest.mark.parametrize(("colour", "background", "stated", "needed"), ROWS, ids=[f"{r[0]}-on-{r[1]}" for r in ROWS])
def test_each_stated_ratio_is_the_real_one_and_meets_its_need(colour, background, stated, needed):
    ratio = contrast_ratio(colour, background)
    assert round(ratio, 2) == float(stated)
    if needed != "-":
        assert ratio >= float(needed)


def test_the_table_has_rows_and_every_colour_in_the_stylesheet_is_in_the_guide():
    assert len(ROWS) >= 20
    guide = {six_digits(colour) for colour in re.findall(r"#[0-9a-fA-F]{3,6}\b", GUIDE)}
    css = (ROOT / "static" / "css" / "site.css").read_text()
    used = {six_digits(colour) for colour in re.findall(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b", css)}
    assert used - guide == set()
