"""Gift lines by hand (#22 order edits, fakes): an operator adds a free line of an ERP SKU before the ERP takes
the order, or removes a gift line; each is one conditional write, in the history, and review runs again."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chalicelib.domain.errors import ConflictError, InvalidTransitionError, ValidationError
from chalicelib.domain.fulfil_plan import Plan
from chalicelib.domain.orders import LineItem, Order, SkuLink
from chalicelib.domain.status import ErpHandoff, ReviewState
from chalicelib.services.order_edits import MAX_GIFT_LINES, add_gift_line, remove_gift_line
from tests import fakes
from tests.factories import make_order

SKUS = {"SOCKS", "MUG"}


class World:
    def __init__(self, order: Order) -> None:
        self.orders, self.clock = fakes.InMemoryOrderRepository(), fakes.FixedClock()
        self.orders.add(order)
        self.gated: list[Order] = []
        self.released: list[tuple[str, str]] = []

    def gate(self, order: Order) -> Order:
        self.gated.append(order)
        return order

    def add(self, sku: str = "SOCKS", quantity: int = 2, revision: int | None = None) -> Order:
        return add_gift_line(self.orders, self.clock, self.gate, "shopA-1", sku, quantity,
                             self.revision() if revision is None else revision, "user:ops", SKUS.__contains__)

    def remove(self, line_id: str) -> Order:
        return remove_gift_line(self.orders, self.clock, self.gate, "shopA-1", line_id, self.revision(), "user:ops",
                                lambda order, line: self.released.append((order.order_id, line.line_id)))

    def revision(self) -> int:
        return self.orders.get("shopA-1").revision

    def order(self) -> Order:
        return self.orders.get("shopA-1")


def rule_gift(line_id: str = "gift-g1-SOCKS") -> LineItem:
    return LineItem(line_id, "", "", "SOCKS", "赠品 SOCKS", "", 1, 0, 0, links=(SkuLink("SOCKS", 1),), gift=True)


@pytest.fixture
def world() -> World:
    return World(make_order(1, review=ReviewState.CONFIRMED))


def test_GIVEN_an_open_order_WHEN_a_gift_is_added_THEN_a_free_gift_line_of_the_sku_is_stored_and_reviewed_again(
        world: World) -> None:
    world.add("SOCKS", 2)
    order = world.order()
    gift = order.lines[-1]
    assert (gift.gift, gift.quantity, gift.unit_price_fen, gift.paid_fen, gift.links) == (
        True, 2, 0, 0, (SkuLink("SOCKS", 1),))
    assert order.paid_fen == 3580 and len(order.lines) == 2
    assert order.history[-1].summary == "gift SOCKS x2 added by hand" and order.history[-1].actor == "user:ops"
    assert world.gated and order.review is ReviewState.PASSED      # a person's approval does not cover the gift


def test_GIVEN_a_gift_removed_WHEN_another_is_added_THEN_it_takes_a_new_line_id(world: World) -> None:
    first = world.add().lines[-1].line_id
    world.remove(first)
    second = world.add().lines[-1].line_id
    assert first != second     # stock movements are keyed by line: a reused id would look reserved already


def test_GIVEN_an_unknown_sku_WHEN_a_gift_is_added_THEN_it_is_refused_naming_the_sku(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        world.add("NOPE")
    assert (caught.value.field, caught.value.reason) == ("sku_code", "manual.sku")
    assert world.order().lines == make_order(1).lines


def test_GIVEN_a_stale_revision_WHEN_a_gift_is_added_THEN_409(world: World) -> None:
    with pytest.raises(ConflictError) as caught:
        world.add(revision=world.revision() - 1)
    assert caught.value.reason == "review.changed"


@pytest.mark.parametrize("handoff", [ErpHandoff.TAKEN, ErpHandoff.ACKNOWLEDGED])
def test_GIVEN_the_erp_took_the_order_WHEN_a_gift_is_added_or_removed_THEN_it_is_refused(handoff: ErpHandoff) -> None:
    world = World(make_order(1, erp_handoff=handoff, lines=(*make_order(1).lines, rule_gift())))
    for edit in (world.add, lambda: world.remove("gift-g1-SOCKS")):
        with pytest.raises(InvalidTransitionError) as caught:
            edit()
        assert caught.value.reason == "edit.handed_over"
    assert len(world.order().lines) == 2 and not world.released


def test_GIVEN_the_gift_line_limit_WHEN_one_more_is_added_THEN_it_is_refused() -> None:
    gifts = tuple(rule_gift(f"gift-g{n}-SOCKS") for n in range(MAX_GIFT_LINES))
    world = World(make_order(1, lines=(*make_order(1).lines, *gifts)))
    with pytest.raises(ValidationError) as caught:
        world.add()
    assert caught.value.reason == "edit.gift_limit"


def test_GIVEN_a_gift_added_by_hand_WHEN_removed_THEN_the_line_goes_its_stock_is_released_and_history_says_so(
        world: World) -> None:
    line_id = world.add().lines[-1].line_id
    world.remove(line_id)
    order = world.order()
    assert [line.line_id for line in order.lines] == ["l1"]
    assert world.released == [("shopA-1", line_id)]
    assert order.history[-1].summary == "gift SOCKS x2 removed by hand"


def test_GIVEN_a_rule_gift_WHEN_removed_THEN_the_plan_keeps_it_out() -> None:
    plan = Plan(version=1)
    world = World(make_order(1, lines=(*make_order(1).lines, rule_gift()), plan=plan))
    world.remove("gift-g1-SOCKS")
    assert world.order().plan == replace(plan, skipped_gifts=("gift-g1-SOCKS",))   # else the planner grants it again


@pytest.mark.parametrize("line_id, reason, error", [("l1", "edit.not_gift", ValidationError),
                                                     ("nope", "edit.line", ValidationError),
                                                     ("gift-g1-SOCKS", "edit.gift_shipped", InvalidTransitionError)])
def test_GIVEN_a_buyers_line_a_missing_line_or_a_shipped_gift_WHEN_removed_THEN_it_is_refused(
        line_id: str, reason: str, error: Any) -> None:
    shipped = replace(rule_gift(), shipped_quantity=1)
    world = World(make_order(1, lines=(*make_order(1).lines, shipped)))
    with pytest.raises(error) as caught:
        world.remove(line_id)
    assert caught.value.reason == reason and len(world.order().lines) == 2 and not world.released
