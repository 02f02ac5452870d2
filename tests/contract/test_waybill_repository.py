"""The waybill ports, run against the in-memory fakes and the DynamoDB adapters (moto)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.waybills import (
    Sender,
    ShopWaybillAccount,
    TrackingInfo,
    TrackingState,
    Waybill,
    WaybillStatus,
    tracking_shard,
)
from chalicelib.services.waybills import WaybillQuery
from infra.tables import TABLE_SPECS
from tests.aws import aws
from tests.waybill_fakes import InMemoryWaybillAccountRepository, InMemoryWaybillRepository

T0 = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def account(account_id: str, shop: str = "shopA", **kw: Any) -> ShopWaybillAccount:
    base = ShopWaybillAccount(shop, account_id, "jd", "ZTO", "中通", "310000", "杭州网点", 500,
                              Sender("王", "13800001111", "浙江省", "杭州市", "西湖区", "文三路 1 号"), T0,
                              raw={"providerId": 1499, "settlementCode": "S1"})
    return replace(base, **kw)


def waybill(n: int, shop: str = "shopA", orders: tuple[str, ...] | None = None, **kw: Any) -> Waybill:
    base = Waybill(f"{shop}-ZTO-{n}", shop, "taobao", orders or (f"{shop}-o{n}",), (f"o{n}",), "A1", "ZTO", "中通",
                   f"ZT{n}", WaybillStatus.ISSUED, T0 + timedelta(minutes=n),
                   print_data='{"encryptedData":"x","templateURL":"t"}')
    return replace(base, **kw)


@pytest.fixture(params=["fake", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "fake":
        yield "fake"
        return
    with aws(("waybill_accounts", "waybills")):
        yield "dynamodb"


@pytest.fixture
def accounts(backend: str) -> Any:
    if backend == "fake":
        return InMemoryWaybillAccountRepository()
    from chalicelib.storage.waybills import DynamoWaybillAccountRepository
    return DynamoWaybillAccountRepository()


@pytest.fixture
def waybills(backend: str) -> Any:
    if backend == "fake":
        return InMemoryWaybillRepository()
    from chalicelib.storage.waybills import DynamoWaybillRepository
    return DynamoWaybillRepository()


def test_GIVEN_accounts_THEN_added_once_saved_on_revision_listed_per_shop_with_their_raw(accounts) -> None:
    accounts.add(account("A1"))
    accounts.add(account("A2"))
    accounts.add(account("A1", shop="shopB"))
    with pytest.raises(ConflictError):
        accounts.add(account("A1"))
    accounts.save(account("A1", remaining=499, revision=1), 1)
    with pytest.raises(ConflictError):
        accounts.save(account("A1", remaining=1), 1)
    got = accounts.get("shopA", "A1")
    assert (got.remaining, got.revision, got.raw["providerId"]) == (499, 2, 1499)
    assert [a.account_id for a in accounts.for_shop("shopA")] == ["A1", "A2"]
    assert accounts.get("shopA", "nope") is None


def test_GIVEN_a_default_choice_THEN_one_per_shop_and_not_listed_as_an_account(accounts) -> None:
    accounts.add(account("A1"))
    assert accounts.default_id("shopA") == ""
    accounts.set_default("shopA", "A1")
    accounts.set_default("shopA", "A2")
    assert accounts.default_id("shopA") == "A2" and accounts.default_id("shopB") == ""
    assert [a.account_id for a in accounts.for_shop("shopA")] == ["A1"]


def test_GIVEN_waybills_THEN_conditional_writes_and_found_from_every_order_of_a_merged_parcel(waybills) -> None:
    merged = waybill(1, orders=("shopA-o1", "shopA-o2"))
    waybills.add(merged)
    with pytest.raises(ConflictError):
        waybills.add(merged)
    waybills.save(replace(merged, status=WaybillStatus.PRINTED, print_count=1), 1)
    with pytest.raises(ConflictError):
        waybills.save(replace(merged, status=WaybillStatus.CANCELLED), 1)
    got = waybills.get(merged.waybill_id)
    assert (got.status, got.print_count, got.revision, got.print_data) == (
        WaybillStatus.PRINTED, 1, 2, merged.print_data)
    assert [w.waybill_id for w in waybills.for_order("shopA-o2")] == [merged.waybill_id]
    assert waybills.for_order("shopA-none") == [] and waybills.get("none") is None


def test_GIVEN_waybills_of_shops_THEN_listed_by_shop_status_and_status_newest_first_in_pages(waybills) -> None:
    for n in range(5):
        waybills.add(waybill(n))
    waybills.add(waybill(9, shop="shopB"))
    printed = waybills.get("shopA-ZTO-3")
    waybills.save(replace(printed, status=WaybillStatus.PRINTED), printed.revision)
    first = waybills.query(WaybillQuery(shop_id="shopA", limit=3))
    assert [w.waybill_no for w in first.items] == ["ZT4", "ZT3", "ZT2"] and first.cursor
    rest = waybills.query(WaybillQuery(shop_id="shopA", limit=3, cursor=first.cursor))
    assert [w.waybill_no for w in rest.items] == ["ZT1", "ZT0"]
    assert [w.waybill_no for w in waybills.query(WaybillQuery(shop_id="shopA", status=WaybillStatus.PRINTED)).items
            ] == ["ZT3"]
    assert {w.waybill_no for w in waybills.query(WaybillQuery(status=WaybillStatus.ISSUED)).items} == {
        "ZT0", "ZT1", "ZT2", "ZT4", "ZT9"}


def test_GIVEN_shipped_waybills_THEN_only_due_ones_of_a_shard_are_listed_and_delivered_ones_leave(waybills) -> None:
    for n in range(12):
        waybills.add(waybill(n, status=WaybillStatus.SHIPPED, next_track_at=T0 + timedelta(minutes=n)))
    done = waybills.get("shopA-ZTO-0")
    info = TrackingInfo(TrackingState.DELIVERED, T0)
    waybills.save(replace(done, tracking=info, next_track_at=None), done.revision)
    until = T0 + timedelta(minutes=5)
    due = [w for shard in range(8) for w in waybills.due_for_tracking(str(shard), until, 10)]
    assert sorted(w.waybill_no for w in due) == ["ZT1", "ZT2", "ZT3", "ZT4", "ZT5"]
    shard = tracking_shard("shopA-ZTO-1")
    assert all(tracking_shard(w.waybill_id) == shard for w in waybills.due_for_tracking(shard, until, 10))
    assert waybills.get("shopA-ZTO-0").tracking == info


def test_GIVEN_the_models_THEN_keys_and_indexes_match_the_infra_definition() -> None:
    from chalicelib.storage.waybill_models import WaybillAccountItem, WaybillItem
    for model, key in ((WaybillAccountItem, "waybill_accounts"), (WaybillItem, "waybills")):
        hash_key, range_key, indexes, _ttl = TABLE_SPECS[key]
        assert (model._hash_keyname, model._range_keyname) == (hash_key, range_key)
        assert set(model._indexes) == set(indexes)
        for name, index in model._indexes.items():
            schema = {k["KeyType"]: k["AttributeName"] for k in index._get_schema()["key_schema"]}
            assert (schema.get("HASH"), schema.get("RANGE")) == indexes[name], (key, name)
