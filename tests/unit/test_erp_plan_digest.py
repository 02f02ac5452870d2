"""The ERP's order view gained `fulfilment` and each line's `gift`: after an upgrade an order whose plan
decides nothing beyond the shop's defaults and that has no gift line digests as before (no `order.updated`
burst), and a plan counts by its decisions, not by the rules' version or its reasons' wording."""
from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.fulfil_plan import GiftPick, Plan
from chalicelib.services.erp_events import _snapshot, events_for
from chalicelib.services.erp_views import order_view
from chalicelib.services.fulfilment import gift_line
from tests.factories import make_order

DEFAULT_PLAN = Plan(version=3, warehouses=("default",), reasons=("warehouse default: the warehouses serving the shop",))


def told(order):  # type: ignore[no-untyped-def]
    return _snapshot("order", order.order_id, order.order_id, order_view(order)).told


def before_the_upgrade(order):  # type: ignore[no-untyped-def]
    view = order_view(order)
    view.pop("fulfilment")
    view["lines"] = [{k: v for k, v in line.items() if k != "gift"} for line in view["lines"]]
    return _snapshot("order", order.order_id, order.order_id, view).told


def test_given_an_order_told_before_the_upgrade_when_noted_again_with_a_default_plan_then_no_event() -> None:
    order = make_order(1)
    stored = before_the_upgrade(order)
    assert events_for("order", stored, told(replace(order, plan=DEFAULT_PLAN))) == []
    assert events_for("order", stored, told(order)) == []


def test_given_a_rule_edit_that_changes_only_the_version_and_reasons_then_no_event() -> None:
    planned = replace(make_order(1), plan=replace(DEFAULT_PLAN, warehouse_rule="w1", warehouses=("BJ",)))
    again = replace(planned, plan=replace(planned.plan, version=4, reasons=("warehouse BJ: rule w1 北方",)))
    assert events_for("order", told(planned), told(again)) == []


def test_given_a_plan_that_decides_then_the_erp_hears_order_updated() -> None:
    order = make_order(1)
    pick = GiftPick("g1", "SOCKS", 1, True)
    gifted = replace(order, plan=replace(DEFAULT_PLAN, gifts=(pick,)), lines=(*order.lines, gift_line(pick)))
    routed = replace(order, plan=replace(DEFAULT_PLAN, warehouse_rule="w1", warehouses=("BJ",)))
    for changed in (gifted, routed):
        assert events_for("order", before_the_upgrade(order), told(changed)) == ["order.updated"]
