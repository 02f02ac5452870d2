"""The after-sale list queries, run against the in-memory fake and the DynamoDB indexes (moto)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import AfterSaleStatus as S
from chalicelib.domain.status import AfterSaleType as T
from chalicelib.services.after_sales import count_cases, list_cases
from chalicelib.services.ports import CaseQuery
from tests import fakes
from tests.aws import aws

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def make_case(n: int, shop: str = "shopA", **kw: Any) -> AfterSale:
    at = T0 + timedelta(minutes=n)
    base = AfterSale(f"{shop}-C{n}", shop, Platform.TAOBAO, f"C{n}", f"{shop}-{n}", str(n), T.REFUND_ONLY,
                     S.PENDING_REVIEW, "WAIT_SELLER_AGREE", 100, "不想要了", at, at)
    return replace(base, **kw)


@pytest.fixture(params=["fake", "dynamodb"])
def stores(request: pytest.FixtureRequest) -> Iterator[tuple[Any, Any]]:
    if request.param == "fake":
        cases = fakes.InMemoryAfterSaleRepository()
        yield cases, fakes.InMemoryAfterSaleQueries(cases)
        return
    with aws(("after_sales", "shops")):
        import os

        from chalicelib.domain.shops import Shop
        from chalicelib.storage.after_sales import DynamoAfterSaleRepository
        from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
        from chalicelib.storage.shops import DynamoShopRepository
        shops = DynamoShopRepository(Envelope(LocalKeyWrapper(os.urandom(32))))
        shops.add(Shop("shopA", "旗舰店", Platform.TAOBAO, "1"))
        shops.add(Shop("shopB", "小店", Platform.JD, "2"))
        from chalicelib.storage.after_sales_queries import DynamoAfterSaleQueries
        yield DynamoAfterSaleRepository(), DynamoAfterSaleQueries()


@pytest.fixture
def seeded(stores: tuple[Any, Any]) -> Any:
    cases, queries = stores
    for case in (make_case(1, deadline_at=T0 + timedelta(hours=5)),
                 make_case(2, type=T.RETURN_AND_REFUND, deadline_at=T0 + timedelta(hours=1)),
                 make_case(3, status=S.REFUNDED),
                 make_case(4, shop="shopB", platform=Platform.JD, deadline_at=T0 + timedelta(hours=2)),
                 make_case(5, status=S.AWAITING_SELLER_RECEIPT, deadline_at=T0 + timedelta(hours=3))):
        cases.add(case)
    return queries


def ids(page: Any) -> list[str]:
    return [c.case_id for c in page.items]


def test_given_a_shop_then_its_cases_newest_change_first_with_paging(seeded: Any) -> None:
    first = list_cases(seeded, CaseQuery(shop_id="shopA", limit=2))
    rest = list_cases(seeded, CaseQuery(shop_id="shopA", limit=2, cursor=first.cursor))
    assert ids(first) == ["shopA-C5", "shopA-C3"] and ids(rest) == ["shopA-C2", "shopA-C1"]


def test_given_a_status_then_soonest_deadline_first_and_other_filters_apply(seeded: Any) -> None:
    assert ids(list_cases(seeded, CaseQuery(status=S.PENDING_REVIEW))) == ["shopA-C2", "shopB-C4", "shopA-C1"]
    assert ids(list_cases(seeded, CaseQuery(status=S.PENDING_REVIEW, platform="jd"))) == ["shopB-C4"]
    assert ids(list_cases(seeded, CaseQuery(shop_id="shopA", type=T.RETURN_AND_REFUND))) == ["shopA-C2"]


def test_given_deadline_before_then_open_cases_due_by_then_soonest_first(seeded: Any) -> None:
    due = list_cases(seeded, CaseQuery(deadline_before=T0 + timedelta(hours=3, minutes=30)))
    assert ids(due) == ["shopA-C2", "shopB-C4", "shopA-C5"]


def test_given_an_order_no_then_its_cases_in_one_shop_or_in_every_shop(seeded: Any) -> None:
    assert ids(list_cases(seeded, CaseQuery(shop_id="shopA", order_no="3"))) == ["shopA-C3"]
    assert ids(list_cases(seeded, CaseQuery(order_no="4"))) == ["shopB-C4"]
    with pytest.raises(ValidationError):
        list_cases(seeded, CaseQuery())


def test_given_cases_then_counts_per_status_with_zeros(seeded: Any) -> None:
    counts = count_cases(seeded)
    assert counts["pending_review"] == 3 and counts["refunded"] == 1 and counts["closed"] == 0
    assert count_cases(seeded, "shopB")["pending_review"] == 1
