"""PDF labels, checked the way a courier's scanner and a reader meet them: rendered, scanned, read."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from chalicelib.printing import fonts
from chalicelib.printing.labels import (
    LabelData,
    LabelItem,
    LabelSize,
    Party,
    mask_phone,
    receiver_party,
    render_labels,
)
from chalicelib.services.platform_types import SHANGHAI, CanonicalReceiver
from tests.printing.pdftools import needs_poppler, page_sizes_mm, pages_png, text, write

PRINTED = datetime(2026, 5, 1, 14, 30, tzinfo=SHANGHAI)
SENDER = Party("启航旗舰店", "0571-88886666", "浙江省杭州市余杭区仓前街道良睦路1399号梦想小镇互联网村23幢")
ITEMS = (
    LabelItem("纯棉短袖T恤 男款夏季宽松圆领打底衫", 2, "白色 XL"),
    LabelItem("运动速干袜 五双装", 1, "黑色 均码"),
    LabelItem("不锈钢保温杯 500ml 带茶隔", 1, "樱花粉"),
)


def label(size: LabelSize, tracking_no: str, receiver: Party | None = None) -> LabelData:
    masked = Party("张**", "138****5678", "浙江省杭州市西湖区文三路***号")
    return LabelData("中通快递", tracking_no, receiver or masked, SENDER, ITEMS,
                     ("3712345678901234567", "3712345678901234568"), size, "淘宝")


LABELS = [label(LabelSize.MM100X150, "78812345678901"), label(LabelSize.MM76X130, "YT7712345678901")]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(render_labels(LABELS, printed_at=PRINTED), tmp_path_factory.mktemp("labels"), "labels.pdf")


@needs_poppler
def test_GIVEN_both_sizes_WHEN_rendered_THEN_each_page_has_its_size_in_mm(pdf: Path) -> None:
    assert page_sizes_mm(pdf) == [(100.0, 150.0), (76.0, 130.0)]


@needs_poppler
@pytest.mark.parametrize("dpi", [203, 300])   # the common thermal printer resolutions
def test_GIVEN_a_rendered_label_WHEN_the_barcode_is_scanned_THEN_it_reads_the_tracking_no(pdf: Path, dpi: int) -> None:
    for page, expected in zip(pages_png(pdf, dpi), LABELS, strict=True):
        found = zxingcpp.read_barcodes(Image.open(page))
        assert [(b.format, b.text) for b in found] == [(zxingcpp.BarcodeFormat.Code128, expected.tracking_no)]


@needs_poppler
def test_GIVEN_a_label_WHEN_its_text_is_extracted_THEN_the_chinese_text_and_masked_receiver_are_there(
    pdf: Path,
) -> None:
    content = text(pdf)
    for expected in ("中通快递", "78812345678901", "张**", "138****5678", "浙江省杭州市西湖区文三路***号",
                     "启航旗舰店", "0571-88886666", "纯棉短袖T恤", "×2", "3712345678901234567", "打印时间 2026-05-01 14:30",
                     "商品（共 4 件）", "淘宝 电子面单"):
        assert expected in content, expected


@needs_poppler
def test_GIVEN_a_plaintext_receiver_WHEN_rendered_THEN_no_plaintext_phone_or_name_is_printed(tmp_path: Path) -> None:
    plain = Party("李四", "13912345678", "北京市朝阳区建国路88号 备用电话 13700001111")
    content = text(write(render_labels([label(LabelSize.MM76X130, "SF1400000001", plain)]), tmp_path))
    assert "139****5678" in content and "137****1111" in content and "李*" in content
    assert "13912345678" not in content and "13700001111" not in content and "李四" not in content


@needs_poppler
def test_GIVEN_more_items_than_fit_WHEN_rendered_THEN_the_rest_is_summarised(tmp_path: Path) -> None:
    many = tuple(LabelItem(f"商品{i:02d} 一个很长很长很长很长很长很长很长很长很长很长的标题", 1) for i in range(30))
    data = LabelData("圆通速递", "YT0000000001", Party("王*", "186****0000", "上海市***"), SENDER, many, ("1",))
    content = text(write(render_labels([data]), tmp_path))
    assert "商品00" in content and "商品29" not in content and "种商品" in content


@needs_poppler
def test_GIVEN_fifty_labels_WHEN_rendered_THEN_one_page_each(tmp_path: Path) -> None:
    labels = [label(LabelSize.MM100X150, f"ZT{n:012d}") for n in range(50)]
    pdf = write(render_labels(labels), tmp_path)
    assert len(page_sizes_mm(pdf)) == 50


def test_GIVEN_a_canonical_receiver_THEN_the_label_party_uses_the_masked_fields_only() -> None:
    receiver = CanonicalReceiver("张**", "138****5678", "浙江省", "杭州市", "西湖区", "文三路***号", town="西溪街道",
                                 ciphertext={"oaid": "secret"})
    assert receiver_party(receiver) == Party("张**", "138****5678", "浙江省杭州市西湖区西溪街道文三路***号")


def test_GIVEN_phones_WHEN_masked_THEN_only_long_digit_runs_change() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138****5678") == "138****5678"
    assert mask_phone("+86 13812345678 转 123") == "+86 138****5678 转 123"


def test_GIVEN_a_non_ascii_tracking_no_THEN_rendering_refuses() -> None:
    with pytest.raises(ValueError):
        render_labels([label(LabelSize.MM100X150, "运单一")])
    with pytest.raises(ValueError):
        render_labels([])


def test_GIVEN_cjk_text_WHEN_wrapped_THEN_lines_fit_and_the_cut_is_marked() -> None:
    font = fonts.cjk_font()
    lines = fonts.wrap("浙江省杭州市余杭区仓前街道良睦路1399号梦想小镇互联网村23幢", font, 10, 60, 2)
    assert len(lines) == 2 and lines[1].endswith(fonts.ELLIPSIS)
    assert all(fonts.width(line, font, 10) <= 60 for line in lines)
    assert fonts.wrap("短", font, 10, 60, 2) == ["短"]


def test_GIVEN_no_font_file_WHEN_rendering_THEN_the_builtin_cid_font_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "CANDIDATES", ())
    monkeypatch.setenv(fonts.ENV_FONT, "/nonexistent/font.ttc")
    fonts.cjk_font.cache_clear()
    try:
        assert fonts.cjk_font() == fonts.CID_FALLBACK
        assert render_labels([LABELS[0]]).startswith(b"%PDF")
    finally:
        monkeypatch.undo()
        fonts.cjk_font.cache_clear()
    assert fonts.cjk_font() == fonts.FONT_NAME
