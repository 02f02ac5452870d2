"""The read queries: field lists and the windowed, backwards-paged increment walks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from chalicelib.platforms.taobao.gateway import TopGateway, items
from chalicelib.platforms.taobao.paging import second_windows, walk_backwards

TRADE_FIELDS = ",".join(
    (
        "tid",
        "status",
        "type",
        "created",
        "modified",
        "pay_time",
        "consign_time",
        "end_time",
        "payment",
        "post_fee",
        "total_fee",
        "discount_fee",
        "adjust_fee",
        "coupon_fee",
        "buyer_open_uid",
        "buyer_nick",
        "buyer_message",
        "seller_memo",
        "seller_flag",
        "receiver_name",
        "receiver_mobile",
        "receiver_phone",
        "receiver_state",
        "receiver_city",
        "receiver_district",
        "receiver_town",
        "receiver_address",
        "receiver_zip",
        "oaid",
        "orders",
    )
)
REFUND_FIELDS = ",".join(
    (
        "refund_id",
        "tid",
        "oid",
        "title",
        "num",
        "num_iid",
        "sku",
        "total_fee",
        "refund_fee",
        "payment",
        "status",
        "good_status",
        "has_good_return",
        "reason",
        "desc",
        "created",
        "modified",
        "dispute_type",
        "refund_phase",
        "refund_version",
        "company_name",
        "sid",
        "buyer_nick",
        "buyer_open_uid",
        "outer_id",
    )
)
INCREMENT_SPAN = timedelta(days=1)  # increment APIs refuse start..end over one day
PAGE_SIZE = 100


def trade_rows(gateway: TopGateway, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    yield from _increment(
        gateway,
        "taobao.trades.sold.increment.get",
        TRADE_FIELDS,
        start,
        end,
        shape=("trades", "trade", "tid"),
    )


def refund_rows(gateway: TopGateway, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    yield from _increment(
        gateway,
        "taobao.refunds.receive.get",
        REFUND_FIELDS,
        start,
        end,
        shape=("refunds", "refund", "refund_id"),
    )


def trade(gateway: TopGateway, tid: str) -> dict[str, Any]:
    body = gateway.call(
        "taobao.trade.fullinfo.get", {"fields": TRADE_FIELDS, "tid": tid, "include_oaid": True}
    )
    return dict(body["trade"])


def refund(gateway: TopGateway, refund_id: str) -> dict[str, Any]:
    body = gateway.call("taobao.refund.get", {"fields": REFUND_FIELDS, "refund_id": refund_id})
    return dict(body["refund"])


def _increment(
    gateway: TopGateway,
    method: str,
    fields: str,
    start: datetime,
    end: datetime,
    *,
    shape: tuple[str, str, str],
) -> Iterator[dict[str, Any]]:
    outer, inner, key = shape
    seen: set[str] = set()
    for low, high in second_windows(start, end, INCREMENT_SPAN):

        def fetch(
            page_no: int, page_size: int, low: datetime = low, high: datetime = high
        ) -> tuple[int, list[dict[str, Any]]]:
            body = gateway.call(
                method,
                {
                    "fields": fields,
                    "start_modified": low,
                    "end_modified": high,
                    "page_no": page_no,
                    "page_size": page_size,
                    "use_has_next": False,
                },
            )
            return int(body.get("total_results") or 0), items(body.get(outer), inner)

        yield from walk_backwards(fetch, PAGE_SIZE, key, seen)
