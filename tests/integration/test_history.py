"""The daily history for Athena (issue 26 item 4) against moto: a day's changed orders and after-sale cases
as gzipped JSON Lines under dt=YYYY-MM-DD/, rewritten whole by a rerun; the Glue tables of infra/ read
exactly the columns the writer writes, with partition projection on dt."""
from __future__ import annotations

import gzip
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest

from chalicelib.config import settings
from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.order_query import SHANGHAI
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType
from chalicelib.services.history import HistoryDeps, day_key, write_day, yesterday
from tests import fakes
from tests.aws import aws
from tests.factories import make_order

pytestmark = pytest.mark.integration
DAY = date(2026, 12, 6)
NOON = datetime(2026, 12, 6, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def world() -> Any:
    from chalicelib.storage.after_sales import DynamoAfterSaleRepository
    from chalicelib.storage.bucket_files import S3ExportFiles
    from chalicelib.storage.history import DynamoChangedRecords
    from chalicelib.storage.orders import DynamoOrderRepository
    from chalicelib.storage.shops import DynamoShopRepository
    with aws(("orders", "after_sales", "shops")):
        boto3.client("s3").create_bucket(Bucket=settings().raw_bucket)
        shops = DynamoShopRepository()
        for shop in ("S1", "S2"):
            shops.add(Shop(shop, f"店铺{shop}", Platform.TAOBAO, f"seller-{shop}", app_key="k"))
        deps = HistoryDeps(DynamoChangedRecords(), S3ExportFiles(), fakes.FixedClock(NOON + timedelta(days=1)))
        yield {"orders": DynamoOrderRepository(), "cases": DynamoAfterSaleRepository(), "deps": deps}


def _order(n: int, shop: str, at: datetime) -> Any:
    return replace(make_order(n, shop, paid_fen=1000 + n, created_at=at, modified_at=at, updated_at=at),
                   buyer_memo="请尽快发货")


def _lines(key: str) -> list[dict[str, Any]]:
    body = boto3.client("s3").get_object(Bucket=settings().raw_bucket, Key=key)["Body"].read()
    return [json.loads(line) for line in gzip.decompress(body).decode("utf-8").splitlines()]


def test_given_orders_changed_on_several_days_then_the_day_holds_exactly_that_days_orders(world: Any) -> None:
    for n, shop, at in [(1, "S1", NOON), (2, "S2", NOON.replace(hour=0)), (3, "S1", NOON - timedelta(days=1)),
                        (4, "S2", NOON.replace(hour=23, minute=59)), (5, "S1", NOON + timedelta(hours=12))]:
        world["orders"].add(_order(n, shop, at))

    rows = write_day(world["deps"], DAY)

    lines = _lines(day_key("orders", DAY))
    assert rows["orders"] == 3 and sorted(r["order_no"] for r in lines) == ["1", "2", "4"]
    one = next(r for r in lines if r["order_no"] == "1")
    assert (one["paid_fen"], one["province"], one["lines"][0]["title"]) == (1001, "浙江省", "T恤")
    assert "receiver" not in one and "buyer_memo" not in one         # no person's data in the history
    assert day_key("orders", DAY) == "history/orders/dt=2026-12-06/part-0.json.gz"


def test_given_a_rerun_after_more_changes_then_the_day_is_rewritten_not_appended(world: Any) -> None:
    world["orders"].add(_order(1, "S1", NOON))
    write_day(world["deps"], DAY)
    world["orders"].add(_order(2, "S2", NOON))

    write_day(world["deps"], DAY)
    write_day(world["deps"], DAY)

    assert sorted(r["order_no"] for r in _lines(day_key("orders", DAY))) == ["1", "2"]
    listed = boto3.client("s3").list_objects_v2(Bucket=settings().raw_bucket, Prefix="history/orders/")
    assert [o["Key"] for o in listed["Contents"]] == [day_key("orders", DAY)]


def _case() -> AfterSale:
    return AfterSale(case_id="S1-R1", shop_id="S1", platform=Platform.TAOBAO, platform_case_id="R1",
                     order_id="S1-1", order_no="1", type=AfterSaleType.REFUND_ONLY,
                     status=AfterSaleStatus.PENDING_REVIEW, platform_status="WAIT_SELLER_AGREE", refund_fen=3580,
                     reason="不想要了", created_at=NOON, modified_at=NOON)


def test_given_after_sales_then_they_have_their_own_table_by_day(world: Any) -> None:
    world["cases"].add(_case())

    rows = write_day(world["deps"], DAY)

    assert rows["after_sales"] == 1
    assert [(r["case_id"], r["refund_fen"], r["reason"]) for r in _lines(day_key("after_sales", DAY))] == [
        ("S1-R1", 3580, "不想要了")]


def test_given_the_clock_then_yesterday_is_the_sellers_yesterday() -> None:
    late_utc = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)         # 01:00 on the 7th in Shanghai
    assert yesterday(fakes.FixedClock(late_utc)) == date(2026, 12, 6)


def test_given_the_glue_tables_then_their_columns_are_what_the_writer_writes_and_dt_is_projected() -> None:
    from chalicelib.services.history import case_row, order_row
    from infra.history import glue_resources
    resources = glue_resources()
    orders = resources["HistoryOrdersTable"]["Properties"]["TableInput"]
    cases = resources["HistoryAfterSalesTable"]["Properties"]["TableInput"]
    assert [c["Name"] for c in orders["StorageDescriptor"]["Columns"]] == list(order_row(make_order(1)))
    assert [c["Name"] for c in cases["StorageDescriptor"]["Columns"]] == list(case_row(_case()))
    params = orders["Parameters"]
    assert (params["projection.enabled"], params["projection.dt.type"], orders["PartitionKeys"]) == (
        "true", "date", [{"Name": "dt", "Type": "string"}])
    assert params["storage.location.template"] == {"Fn::Sub": "s3://${RawBucket}/history/orders/dt=${!dt}/"}
    assert resources["HistoryDatabase"]["Type"] == "AWS::Glue::Database"


def test_given_the_scheduled_function_invoked_with_a_day_then_that_day_is_written(world: Any) -> None:
    from app import app
    world["orders"].add(_order(1, "S1", NOON))
    event = {"version": "0", "id": "1", "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "123456789012", "time": "2026-12-07T18:30:00Z", "region": "us-east-1", "resources": [],
             "detail": {}, "day": "2026-12-06"}

    answer = app.handler_map["write_daily_history"](event, None)

    assert answer == {"day": "2026-12-06", "orders": 1, "after_sales": 0}
    assert [r["order_no"] for r in _lines(day_key("orders", DAY))] == ["1"]
