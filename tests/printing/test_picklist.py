"""The pick list adds up SKUs across orders and prints them in Chinese, sorted by SKU code."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from chalicelib.printing.picklist import UNLINKED, PickItem, PickRow, aggregate, render_picklist
from chalicelib.services.platform_types import SHANGHAI
from tests.printing.pdftools import needs_poppler, page_sizes_mm, text, write

ITEMS = [
    PickItem("O1", "TS-WHITE-XL", "纯棉短袖T恤", "白色 XL", 2),
    PickItem("O1", "CUP-500", "不锈钢保温杯 500ml", "樱花粉", 1),
    PickItem("O2", "TS-WHITE-XL", "纯棉T恤（抖音标题）", "白 XL", 1),    # same ERP SKU, another platform's title
    PickItem("O3", "TS-WHITE-XL", "纯棉短袖T恤", "白色 XL", 3),
    PickItem("O3", "", "赠品 贴纸", "", 1),
    PickItem("O4", "", "赠品 贴纸", "", 2),
    PickItem("O4", "AA-001", "数据线 <Type-C> & 充电头", "1m", 4),
]


def test_GIVEN_lines_of_several_orders_WHEN_aggregated_THEN_one_row_per_sku_sorted_by_code() -> None:
    assert aggregate(ITEMS) == [
        PickRow("AA-001", "数据线 <Type-C> & 充电头", "1m", 4, 1),
        PickRow("CUP-500", "不锈钢保温杯 500ml", "樱花粉", 1, 1),
        PickRow("TS-WHITE-XL", "纯棉短袖T恤", "白色 XL", 6, 3),
        PickRow("", "赠品 贴纸", "", 3, 2),
    ]


def test_GIVEN_one_order_with_a_sku_on_two_lines_THEN_it_counts_as_one_order() -> None:
    rows = aggregate([PickItem("O1", "A", "t", "", 1), PickItem("O1", "A", "t", "", 2)])
    assert rows == [PickRow("A", "t", "", 3, 1)]


@needs_poppler
def test_GIVEN_a_pick_list_WHEN_rendered_THEN_the_chinese_rows_and_totals_read_back(tmp_path: Path) -> None:
    pdf = write(render_picklist(ITEMS, generated_at=datetime(2026, 5, 1, 9, 0, tzinfo=SHANGHAI)), tmp_path)
    content = text(pdf)
    assert "拣货单" in content and "生成时间 2026-05-01 09:00" in content
    assert re.search(r"订单 4 单\s+SKU 4 种\s+商品 14 件", content)
    assert "数据线 <Type-C> & 充电头" in content and UNLINKED in content
    assert re.search(r"TS-WHITE-XL\s+纯棉短袖T恤\s+白色 XL\s+6\s+3", content)
    assert re.search(r"合计\s+4 种 SKU\s+14\s+4", content)
    order = [content.index(code) for code in ("AA-001", "CUP-500", "TS-WHITE-XL", UNLINKED)]
    assert order == sorted(order)
    assert page_sizes_mm(pdf) == [(210.0, 297.0)]


@needs_poppler
def test_GIVEN_many_skus_WHEN_rendered_THEN_the_table_runs_over_pages_with_its_header(tmp_path: Path) -> None:
    items = [PickItem(f"O{n % 40}", f"SKU-{n:04d}", f"商品 {n}", "均码", 1) for n in range(120)]
    pdf = write(render_picklist(items), tmp_path)
    pages = len(page_sizes_mm(pdf))
    assert pages > 1
    content = text(pdf)
    assert content.count("SKU 编码") == pages and "SKU-0119" in content
