"""A Chinese font for the PDFs, and text fitting that works for CJK (reportlab's simpleSplit wraps at spaces).

reportlab embeds TrueType outlines only: Noto CJK ships CFF (PostScript) outlines in .ttc and is refused
("postscript outlines are not supported"), so the first choice is WenQuanYi Zen Hei (Debian package
fonts-wqy-zenhei, TrueType), embedded as a subset so every viewer and printer shows the same glyphs.
Where no such file exists (a bare Lambda), the built-in CID font STSong-Light needs no file, but it is not
embedded: the viewer substitutes its own Song face. OMS_LABEL_FONT=/path/font.ttc[#index] picks another.
"""
from __future__ import annotations

import os
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FONT_NAME = "OmsCJK"
CID_FALLBACK = "STSong-Light"
ENV_FONT = "OMS_LABEL_FONT"
CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/opt/fonts/wqy-zenhei.ttc", 0),       # a Lambda layer's mount point
)
ELLIPSIS = "…"


def _configured() -> list[tuple[str, int]]:
    value = os.environ.get(ENV_FONT, "")
    if not value:
        return []
    path, _, index = value.partition("#")
    return [(path, int(index or 0))]


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Register once per process and return the font name to draw with."""
    for path, index in [*_configured(), *CANDIDATES]:
        if not os.path.isfile(path):
            continue
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index))
        except (TTFError, OSError):
            continue
        return FONT_NAME
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return CID_FALLBACK


def width(text: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, font, size))


def fit(text: str, font: str, size: float, max_width: float) -> str:
    """The text, cut with an ellipsis where it would run past max_width."""
    if width(text, font, size) <= max_width:
        return text
    cut = text
    while cut and width(cut + ELLIPSIS, font, size) > max_width:
        cut = cut[:-1]
    return cut + ELLIPSIS


def wrap(text: str, font: str, size: float, max_width: float, max_lines: int) -> list[str]:
    """Break at any character (CJK has no spaces), at most max_lines, the last one ellipsised if cut."""
    lines: list[str] = []
    current = ""
    for index, char in enumerate(text):
        if char == "\n" or (current and width(current + char, font, size) > max_width):
            lines.append(current)
            current = "" if char == "\n" else char
            if len(lines) == max_lines:
                lines[-1] = fit(lines[-1] + text[index:].replace("\n", " "), font, size, max_width)
                return lines
        else:
            current += char
    if current or not lines:
        lines.append(current)
    return lines
