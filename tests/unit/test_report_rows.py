"""The reports page's daily figures as rows (services/report_rows.py) and as the reports export's cells
(export_tables REPORTS): a row per day and shop, platform or SKU from the aggregates folded from orders; the
total and a shop asked for every day; yuan, names in the reader's language."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.exports import ExportKind
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import OrderStatus
from chalicelib.services.export_tables import TABLES, Context
from chalicelib.services.report_fold import FoldDeps, fold_orders
from chalicelib.services.report_rows import daily_rows
from chalicelib.services.sheet_cells import Yuan
from tests import fakes
from tests.factories import make_order
from tests.report_fakes import InMemoryReportStore

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)        # 12:00 in Shanghai
DAY1, DAY2, DAY3 = "2026-12-05", "2026-12-06", "2026-12-07"


def _store() -> InMemoryReportStore:
    """Dec 6: S1 (taobao) two orders of 35.80 + 10.01, S2 (jd) one of 99.99 shipped in 3 hours.
    Dec 7: S1 one order. Dec 5: nothing."""
    orders, store = fakes.InMemoryOrderRepository(), InMemoryReportStore()
    day2 = NOW - timedelta(days=1)
    for order in (make_order(1, "S1", created_at=day2, paid_at=day2),
                  make_order(2, "S1", created_at=day2, paid_at=day2, paid_fen=1001),
                  make_order(3, "S2", platform=Platform.JD, created_at=day2, paid_at=day2, paid_fen=9999,
                             status=OrderStatus.SHIPPED, shipped_at=day2 + timedelta(hours=3)),
                  make_order(4, "S1", created_at=NOW, paid_at=NOW)):
        orders.add(order)
    deps = FoldDeps(store=store, orders=orders, cases=fakes.InMemoryAfterSaleRepository(),
                    clock=fakes.FixedClock(NOW))
    fold_orders(deps, ["S1-1", "S1-2", "S2-3", "S1-4"])
    return store


def _flat(store: InMemoryReportStore, by: str, shop_id: str | None = None) -> list[tuple[str, str, int, int]]:
    return [(r.day, r.key, r.figures["orders"], r.figures["gmv_fen"])
            for page in daily_rows(store, DAY1, DAY3, by, shop_id) for r in page]


def test_given_orders_by_shop_when_rowed_then_a_row_per_day_and_shop_that_sold_most_gmv_first() -> None:
    assert _flat(_store(), "shop") == [(DAY2, "S2", 1, 9999), (DAY2, "S1", 2, 4581), (DAY3, "S1", 1, 3580)]


def test_given_orders_when_rowed_by_total_then_every_day_has_a_row_even_without_sales() -> None:
    assert _flat(_store(), "total") == [(DAY1, "all", 0, 0), (DAY2, "all", 3, 14580), (DAY3, "all", 1, 3580)]


def test_given_orders_when_rowed_by_platform_and_sku_then_their_keys_and_the_skus_name() -> None:
    store = _store()
    assert _flat(store, "platform") == [(DAY2, "jd", 1, 9999), (DAY2, "taobao", 2, 4581), (DAY3, "taobao", 1, 3580)]
    skus = [r for page in daily_rows(store, DAY2, DAY2, "sku") for r in page]
    assert [(r.key, r.name, r.figures["units"]) for r in skus] == [("MC-1", "T恤 白色 M", 6)]


def test_given_a_shop_when_rowed_then_only_its_figures_every_day() -> None:
    assert _flat(_store(), "shop", "S2") == [(DAY1, "S2", 0, 0), (DAY2, "S2", 1, 9999), (DAY3, "S2", 0, 0)]


@pytest.mark.parametrize("by", ["platform", "sku"])
def test_given_a_shop_with_a_grouping_the_aggregates_do_not_hold_then_refused_naming_the_shop(by: str) -> None:
    with pytest.raises(ValidationError) as refused:
        next(daily_rows(_store(), DAY1, DAY3, by, "S1"))
    assert (refused.value.field, refused.value.reason) == ("shop_id", "reports.shop_grouping")


def test_given_a_grouping_not_offered_then_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        next(daily_rows(_store(), DAY1, DAY3, "warehouse"))
    assert refused.value.reason == "reports.by"


def test_given_rows_when_written_as_the_reports_export_then_chinese_names_yuan_and_hours() -> None:
    table = TABLES[ExportKind.REPORTS]
    page = next(r for r in daily_rows(_store(), DAY2, DAY2, "shop"))
    cells = list(table.rows(page, Context({"S1": "淘宝旗舰店", "S2": "京东店"})))
    assert table.headers("zh")[:7] == ["日期", "分组", "编码", "名称", "订单数", "件数", "销售额(元)"]
    assert cells[0][:7] == [DAY2, "店铺", "S2", "京东店", 1, 2, Yuan(9999)]
    assert cells[0][-1] == 3.0 and cells[1][-1] is None       # hours to ship; none shipped: blank


def test_given_rows_by_platform_in_english_then_the_platform_code_and_english_headers() -> None:
    table = TABLES[ExportKind.REPORTS]
    page = next(r for r in daily_rows(_store(), DAY3, DAY3, "platform"))
    cells = list(table.rows(page, Context({}, "en")))
    assert table.headers("en")[:4] == ["Day", "Grouping", "Code", "Name"]
    assert cells == [[DAY3, "platform", "taobao", "taobao", 1, 2, Yuan(3580), 0, Yuan(0), 0, 0, None]]
