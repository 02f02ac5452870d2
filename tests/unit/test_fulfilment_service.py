"""The fulfilment use cases over fakes: merge / unmerge / split-out on a refund / auto merge; splits."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.errors import ConflictError, InvalidTransitionError
from chalicelib.domain.fulfilments import FulfilmentState, FulfilSettings, MergeMode
from chalicelib.domain.orders import LineItem, SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import ErpHandoff, HoldReason, RefundState
from chalicelib.services import fulfilment_splits as splits
from chalicelib.services import fulfilments as svc
from chalicelib.services.fulfilment_hook import on_order_applied
from tests.factories import make_order
from tests.fakes import InMemoryErpSkuRepository, InMemoryOrderRepository, InMemoryStockLedger
from tests.fulfil_kit import InMemoryFulfilments, fulfil_deps


def _orders(*orders):
    repo = InMemoryOrderRepository()
    for order in orders:
        repo.add(order)
    return repo


def pdd(n: int, **kw: object):
    return make_order(n, "pddA", platform=Platform.PDD, **kw)


def two_lines(n: int):
    lines = (LineItem("a", "s1", "p1", "MC-A", "T恤", "白", 2, 1990, 3980, links=(SkuLink("SKU-A", 1),)),
             LineItem("b", "s2", "p2", "MC-B", "帽子", "黑", 3, 990, 2970, links=(SkuLink("SKU-B", 1),)))
    return pdd(n, lines=lines)


def test_given_two_orders_of_one_buyer_when_merged_then_both_name_the_one_fulfilment():
    deps = fulfil_deps(_orders(pdd(1), pdd(2)))
    f = svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    assert {deps.orders.get(i).fulfilment_ids for i in f.order_ids} == {(f.fulfilment_id,)}
    assert "merged into parcel" in deps.orders.get("pddA-1").history[-1].summary


def test_given_a_merge_when_repeated_then_the_same_fulfilment_and_no_second_write():
    deps = fulfil_deps(_orders(pdd(1), pdd(2)))
    first = svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    revision = deps.orders.get("pddA-1").revision
    assert svc.merge(deps, ["pddA-2", "pddA-1"], "user:ann").fulfilment_id == first.fulfilment_id
    assert deps.orders.get("pddA-1").revision == revision


def test_given_a_crash_after_the_fulfilment_was_written_when_retried_then_the_rest_is_linked():
    deps = fulfil_deps(_orders(pdd(1), pdd(2)))
    real_save = deps.orders.save
    calls = []

    def crash_on_second(order, revision):
        calls.append(order.order_id)
        if len(calls) == 2:
            raise RuntimeError("lambda timed out")
        real_save(order, revision)
    deps.orders.save = crash_on_second  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    deps.orders.save = real_save  # type: ignore[method-assign]
    f = svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    assert deps.orders.get("pddA-2").fulfilment_ids == (f.fulfilment_id,)


def test_given_a_merge_when_unmerged_then_each_order_ships_as_itself_again():
    deps = fulfil_deps(_orders(pdd(1), pdd(2)))
    f = svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    assert svc.unmerge(deps, f.fulfilment_id, "user:ann").state is FulfilmentState.DISSOLVED
    assert deps.orders.get("pddA-1").fulfilment_ids == () == deps.orders.get("pddA-2").fulfilment_ids
    assert svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann").state is FulfilmentState.OPEN   # merged again


def test_given_a_member_taken_by_the_erp_when_unmerged_by_hand_then_refused_but_a_refund_still_splits_it_out():
    deps = fulfil_deps(_orders(pdd(1), pdd(2)))
    f = svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    taken = replace(deps.orders.get("pddA-1"), erp_handoff=ErpHandoff.TAKEN)
    deps.orders.save(taken, taken.revision)
    with pytest.raises(InvalidTransitionError) as err:
        svc.unmerge(deps, f.fulfilment_id, "user:ann")
    assert err.value.reason == "fulfilment.handed_over"
    assert svc.split_out(deps, "pddA-2", "system:fulfilment", "refund").state is FulfilmentState.DISSOLVED


def test_given_one_order_taken_by_the_erp_when_merged_then_refused_and_nothing_linked():
    deps = fulfil_deps(_orders(pdd(1), pdd(2, erp_handoff=ErpHandoff.TAKEN)))
    with pytest.raises(InvalidTransitionError) as err:
        svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    assert err.value.reason == "fulfilment.handed_over"
    assert deps.orders.get("pddA-1").fulfilment_ids == () and not deps.fulfilments.rows


def test_given_a_member_taken_meanwhile_when_linking_then_the_merge_is_undone():
    deps = fulfil_deps(_orders(pdd(1), pdd(2)))
    real_get = deps.orders.get

    def taken_on_read(order_id, **kw):
        order = real_get(order_id, **kw)
        return replace(order, erp_handoff=ErpHandoff.TAKEN) if order and order_id == "pddA-2" and kw == {} \
            and len(deps.fulfilments.rows) else order
    deps.orders.get = taken_on_read  # type: ignore[method-assign]
    with pytest.raises(ConflictError):
        svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    deps.orders.get = real_get  # type: ignore[method-assign]
    assert deps.orders.get("pddA-1").fulfilment_ids == ()
    assert {f.state for f in deps.fulfilments.rows.values()} == {FulfilmentState.DISSOLVED}


def test_given_a_refund_on_one_of_two_members_when_applied_then_both_ship_alone_again():
    deps = fulfil_deps(_orders(pdd(1), pdd(2)))
    f = svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    refunded = replace(deps.orders.get("pddA-2"), refund_state=RefundState.IN_PROGRESS,
                       holds=frozenset({HoldReason.REFUND_REQUESTED}))
    deps.orders.save(refunded, refunded.revision)
    assert on_order_applied(deps, deps.orders.get("pddA-2")) == "split_out"
    assert deps.fulfilments.get(f.fulfilment_id).state is FulfilmentState.DISSOLVED
    assert deps.orders.get("pddA-1").fulfilment_ids == () == deps.orders.get("pddA-2").fulfilment_ids
    assert on_order_applied(deps, deps.orders.get("pddA-2")) == "unchanged"     # a redelivery


def test_given_a_refund_on_one_of_three_members_then_the_other_two_stay_merged():
    deps = fulfil_deps(_orders(pdd(1), pdd(2), pdd(3)))
    f = svc.merge(deps, ["pddA-1", "pddA-2", "pddA-3"], "user:ann")
    svc.split_out(deps, "pddA-3", "user:ann", "refund")
    assert deps.fulfilments.get(f.fulfilment_id).order_ids == ("pddA-1", "pddA-2")
    assert deps.orders.get("pddA-1").fulfilment_ids == (f.fulfilment_id,)
    assert deps.orders.get("pddA-3").fulfilment_ids == ()


def test_given_an_auto_shop_when_the_second_order_is_applied_then_they_are_merged():
    store = InMemoryFulfilments()
    store.settings["pddA"] = FulfilSettings(MergeMode.AUTO)
    deps = fulfil_deps(_orders(pdd(1), pdd(2)), fulfilments=store)
    assert on_order_applied(deps, deps.orders.get("pddA-2"), svc.SettingsCache()) == "merged"
    assert deps.orders.get("pddA-1").fulfilment_ids == deps.orders.get("pddA-2").fulfilment_ids != ()


def test_given_a_propose_shop_when_applied_then_nothing_merges_but_it_is_proposed():
    deps = fulfil_deps(_orders(pdd(1), pdd(2)))
    assert on_order_applied(deps, deps.orders.get("pddA-2"), svc.SettingsCache()) == "unchanged"
    assert [tuple(o.order_id for o in g) for g in svc.proposals(deps, "pddA")] == [("pddA-1", "pddA-2")]


# ---------------------------------------------------------------- splits
def test_given_parts_by_hand_when_split_then_the_order_names_each_part_and_unsplit_folds_them():
    deps = fulfil_deps(_orders(two_lines(1), pdd(2)))
    parts = splits.split_by_hand(deps, "pddA-1", [[("a", 1)], [("a", 1), ("b", 3)]], "user:ann")
    assert deps.orders.get("pddA-1").fulfilment_ids == tuple(p.fulfilment_id for p in parts)
    with pytest.raises(InvalidTransitionError) as err:
        svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    assert err.value.reason == "fulfilment.already_member"
    splits.unsplit(deps, "pddA-1", "user:ann")
    assert deps.orders.get("pddA-1").fulfilment_ids == ()


def test_given_stock_in_two_warehouses_when_split_by_stock_then_one_part_per_warehouse():
    ledger = InMemoryStockLedger()
    ledger.counters[("SKU-A", "WH1")] = [5, 0, 5, 0, 1]
    ledger.counters[("SKU-B", "WH2")] = [3, 0, 3, 0, 1]
    deps = fulfil_deps(_orders(two_lines(1)), ledger=ledger)
    parts = splits.split_auto(deps, "pddA-1", "stock", "user:ann")
    assert [(p.warehouse_id, p.parts[0].lines) for p in parts] == [("WH1", (("a", 2),)), ("WH2", (("b", 3),))]


def test_given_an_order_held_out_of_stock_when_split_by_stock_then_each_part_reserves_in_its_warehouse():
    ledger = InMemoryStockLedger()
    ledger.counters[("SKU-A", "WH1")] = [5, 0, 5, 0, 1]
    ledger.counters[("SKU-B", "WH2")] = [3, 0, 3, 0, 1]
    deps = fulfil_deps(_orders(replace(two_lines(1), holds=frozenset({HoldReason.OUT_OF_STOCK}))), ledger=ledger)
    splits.split_auto(deps, "pddA-1", "stock", "user:ann")
    reserved = ledger.movement("SKU-B", "reserve:pddA-1:b:SKU-B")
    assert reserved is not None and reserved.warehouse_id == "WH2"
    assert ledger.counters[("SKU-A", "WH1")][:3] == [5, 2, 3] and ledger.counters[("SKU-B", "WH2")][:3] == [3, 3, 0]
    order = deps.orders.get("pddA-1")
    assert HoldReason.OUT_OF_STOCK not in order.holds and "split into 2 parcels" in order.history[-2].summary
    on_order_applied(deps, order, svc.SettingsCache())                 # redelivered: nothing twice
    assert ledger.counters[("SKU-B", "WH2")][:3] == [3, 3, 0]


def test_given_a_line_reserved_already_when_split_by_stock_then_it_ships_from_where_it_is_reserved():
    from chalicelib.services.stock import reserve_for_order
    from chalicelib.services.stock_shipped import Routing
    ledger = InMemoryStockLedger()
    ledger.counters[("SKU-A", "WH1")] = [5, 0, 5, 0, 1]
    ledger.counters[("SKU-A", "WH2")] = [2, 0, 2, 0, 1]
    ledger.counters[("SKU-B", "WH1")] = [3, 0, 3, 0, 1]
    order = two_lines(1)
    assert reserve_for_order(ledger, order, order.created_at, order.lines[:1], Routing(("WH2",)))
    deps = fulfil_deps(_orders(order), ledger=ledger)
    parts = splits.split_auto(deps, "pddA-1", "stock", "user:ann")
    assert [(p.warehouse_id, p.parts[0].lines) for p in parts] == [("WH2", (("a", 2),)), ("WH1", (("b", 3),))]
    assert ledger.counters[("SKU-A", "WH1")][:3] == [5, 0, 5]         # not reserved a second time
    assert ledger.counters[("SKU-B", "WH1")][:3] == [3, 3, 0]


def test_given_a_weight_limit_when_split_by_weight_then_the_library_weights_decide():
    skus = InMemoryErpSkuRepository()
    skus.add(ErpSku("SKU-A", "T恤", weight_g=900))
    skus.add(ErpSku("SKU-B", "帽子", weight_g=100))
    deps = fulfil_deps(_orders(two_lines(1)), skus=skus)
    parts = splits.split_auto(deps, "pddA-1", "weight", "user:ann", weight_limit_g=1000)
    assert sorted(p.weight_g for p in parts) == [100, 1000, 1000]     # 900 + 100 each, then the last cap


def test_given_everything_fits_when_split_automatically_then_no_parts():
    deps = fulfil_deps(_orders(two_lines(1)))
    assert splits.split_auto(deps, "pddA-1", "weight", "user:ann", weight_limit_g=100_000) == []
    assert deps.orders.get("pddA-1").fulfilment_ids == ()


def test_given_a_key_limited_to_other_shops_when_the_erp_looks_up_a_parcel_then_it_is_not_found():
    from chalicelib.domain.errors import NotFoundError
    from chalicelib.services.fulfilment_views import erp_fulfilment
    deps = fulfil_deps(_orders(pdd(1), pdd(2)))
    f = svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    assert erp_fulfilment(deps.fulfilments, f.fulfilment_id, frozenset({"pddA"})).order_ids == f.order_ids
    with pytest.raises(NotFoundError):
        erp_fulfilment(deps.fulfilments, f.fulfilment_id, frozenset({"other"}))


def test_given_an_order_without_parcels_then_its_erp_view_and_webhook_digest_are_as_before():
    from chalicelib.services.erp_views import order_view
    assert "fulfilment_ids" not in order_view(pdd(1))
    assert order_view(pdd(1, fulfilment_ids=("M1",)))["fulfilment_ids"] == ["M1"]


def test_given_a_shop_that_splits_by_stock_when_a_reviewed_order_is_applied_then_it_is_split_once():
    ledger = InMemoryStockLedger()
    ledger.counters[("SKU-A", "WH1")] = [5, 0, 5, 0, 1]
    ledger.counters[("SKU-B", "WH2")] = [3, 0, 3, 0, 1]
    store = InMemoryFulfilments()
    store.settings["pddA"] = FulfilSettings(MergeMode.PROPOSE, auto_split="stock")
    deps = fulfil_deps(_orders(two_lines(1)), ledger=ledger, fulfilments=store)
    assert on_order_applied(deps, deps.orders.get("pddA-1"), svc.SettingsCache()) == "split"
    assert len(deps.orders.get("pddA-1").fulfilment_ids) == 2
    assert on_order_applied(deps, deps.orders.get("pddA-1"), svc.SettingsCache()) == "unchanged"   # redelivered


def test_given_splitting_by_weight_without_a_limit_then_the_settings_are_refused_naming_the_field():
    from chalicelib.domain.errors import ValidationError
    with pytest.raises(ValidationError) as err:
        FulfilSettings(MergeMode.OFF, 0, "weight").validated()
    assert err.value.field == "weight_limit_g"


def test_given_an_auto_shop_when_a_third_order_of_the_buyer_arrives_then_it_joins_the_merge():
    store = InMemoryFulfilments()
    store.settings["pddA"] = FulfilSettings(MergeMode.AUTO)
    deps = fulfil_deps(_orders(pdd(1), pdd(2)), fulfilments=store)
    first = svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    deps.orders.add(pdd(3))
    assert on_order_applied(deps, deps.orders.get("pddA-3"), svc.SettingsCache()) == "merged"
    assert deps.fulfilments.get(first.fulfilment_id).order_ids == ("pddA-1", "pddA-2", "pddA-3")
    assert deps.orders.get("pddA-3").fulfilment_ids == (first.fulfilment_id,)


def test_given_a_merge_with_a_waybill_when_a_later_order_would_join_then_it_stays_alone():
    from chalicelib.domain import fulfilments as ff
    store = InMemoryFulfilments()
    store.settings["pddA"] = FulfilSettings(MergeMode.AUTO)
    deps = fulfil_deps(_orders(pdd(1), pdd(2)), fulfilments=store)
    first = svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    store.save(ff.with_waybill(store.get(first.fulfilment_id), "W1", first.created_at), 1)
    deps.orders.add(pdd(3))
    assert on_order_applied(deps, deps.orders.get("pddA-3"), svc.SettingsCache()) == "unchanged"
    assert deps.orders.get("pddA-3").fulfilment_ids == ()
