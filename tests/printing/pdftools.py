"""poppler-utils (pdftoppm, pdftotext, pdfinfo) driven from tests: what a printer and a reader would see."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PT_PER_MM = 72 / 25.4

needs_poppler = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftoppm", "pdftotext", "pdfinfo")),
    reason="poppler-utils is not installed (apt-get install -y poppler-utils)",
)


def write(pdf: bytes, folder: Path, name: str = "doc.pdf") -> Path:
    path = folder / name
    path.write_bytes(pdf)
    return path


def text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def page_sizes_mm(pdf: Path) -> list[tuple[float, float]]:
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], check=True, capture_output=True,
                         text=True).stdout
    return [(round(float(w) / PT_PER_MM, 1), round(float(h) / PT_PER_MM, 1))
            for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)]


def pages_png(pdf: Path, dpi: int) -> list[Path]:
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True)
    return sorted(pdf.parent.glob(f"{prefix.name}-*.png"))
