"""After-sale actions on fakes: guards, idempotent requests and notes, the handler's retry and park rules,
and the returned-stock items a confirmed return puts back."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.after_sales import AfterSale, AfterSaleLine
from chalicelib.domain.errors import ConflictError, InvalidTransitionError, ValidationError
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import AfterSaleStatus as S
from chalicelib.domain.status import AfterSaleType as T
from chalicelib.domain.status import ShopStatus
from chalicelib.services import after_sales as svc
from chalicelib.services.action_handlers.after_sales import run
from chalicelib.services.action_handlers.shipments import ShopParkedError
from chalicelib.services.actions import decode
from chalicelib.services.platform_errors import RateLimitedError, TransientError
from tests import fakes
from tests.factories import canonical_case, canonical_order

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


class Platform_(fakes.FakePlatformClient):
    def approve_refund(self, case_id: str) -> None:
        self._maybe_fail()
        case = self.cases[case_id]
        self.cases[case_id] = replace(case, status=S.REFUNDED, platform_status="SUCCESS",
                                      modified_at=case.modified_at + timedelta(seconds=3), version=0)


@pytest.fixture
def deps() -> svc.CaseDeps:
    cases = fakes.InMemoryAfterSaleRepository()
    cases.add(AfterSale("S1-C1", "S1", Platform.TAOBAO, "C1", "S1-1", "1", T.REFUND_ONLY, S.PENDING_REVIEW,
                        "WAIT_SELLER_AGREE", 100, "不想要了", NOW, NOW))
    return svc.CaseDeps(cases=cases, publisher=fakes.RecordingPublisher(), clock=fakes.FixedClock(NOW),
                        shipments=fakes.InMemoryShipmentRepository(), orders=fakes.InMemoryOrderRepository())


def test_given_the_same_action_twice_then_one_request_and_one_message(deps: svc.CaseDeps) -> None:
    first, created = svc.perform(deps, "S1-C1", "user:a", svc.APPROVE_REFUND, {})
    again, created_again = svc.perform(deps, "S1-C1", "user:a", svc.APPROVE_REFUND, {})
    assert created and not created_again and again.revision == first.revision
    [(_, body, _, dedup), (_, body_again, _, dedup_again)] = deps.publisher.sent
    assert (body_again, dedup_again) == (body, dedup), "the same message again: FIFO drops it, a lost one is re-sent"
    with pytest.raises(ConflictError):
        svc.perform(deps, "S1-C1", "user:a", svc.REJECT_REFUND, {"reason_code": "1", "reason_text": "不同意"})


def test_given_a_case_type_or_state_that_does_not_allow_it_then_refused_before_the_platform(
        deps: svc.CaseDeps) -> None:
    with pytest.raises(InvalidTransitionError, match="refund_only"):
        svc.perform(deps, "S1-C1", "user:a", svc.APPROVE_RETURN,
                    {"address": {"province": "p", "city": "c", "district": "d", "detail": "x"},
                     "contact": "c", "phone": "1"})
    with pytest.raises(InvalidTransitionError, match="pending_review"):
        svc.perform(deps, "S1-C1", "user:a", svc.CONFIRM_RECEIVED, {})
    with pytest.raises(ValidationError):
        svc.perform(deps, "S1-C1", "user:a", svc.REJECT_REFUND, {"reason_code": "1"})
    assert deps.publisher.sent == []


def test_given_a_note_repeated_then_kept_once(deps: svc.CaseDeps) -> None:
    _, created = svc.perform(deps, "S1-C1", "user:a", svc.NOTE, {"text": "已电话联系买家"})
    case, created_again = svc.perform(deps, "S1-C1", "user:a", svc.NOTE, {"text": "已电话联系买家"})
    assert created and not created_again and [e.text for e in case.history] == ["已电话联系买家"]


def _queued(deps: svc.CaseDeps) -> Any:
    svc.perform(deps, "S1-C1", "user:a", svc.APPROVE_REFUND, {})
    return decode(deps.publisher.sent[-1][1])


def _platform() -> Platform_:
    return Platform_(cases=[canonical_case("C1", "1", modified_at=NOW)])


def test_given_a_transient_error_then_the_action_stays_pending_and_the_queue_retries(deps: svc.CaseDeps) -> None:
    action, platform, shops = _queued(deps), _platform(), fakes.InMemoryShopRepository()
    shop = Shop("S1", "店", Platform.TAOBAO, "seller")
    platform.fail_next = [TransientError("系统繁忙")]
    with pytest.raises(TransientError):
        run(deps, shops, action, shop, platform)
    case = deps.cases.get("S1-C1")
    assert case.pending_action == svc.APPROVE_REFUND and case.history[-1].kind == "retrying"
    run(deps, shops, action, shop, platform)
    run(deps, shops, action, shop, platform)              # a duplicate delivery: already answered
    case = deps.cases.get("S1-C1")
    assert case.status is S.REFUNDED and case.pending_action == ""
    assert platform.calls == 4, "failed read; read, approve, read; the duplicate calls nothing"


def test_given_throttling_then_the_shop_is_parked_and_the_action_waits(deps: svc.CaseDeps) -> None:
    action, platform, shops = _queued(deps), _platform(), fakes.InMemoryShopRepository()
    shop = Shop("S1", "店", Platform.TAOBAO, "seller")
    shops.add(shop)
    shop = shops.get("S1")
    platform.fail_next = [RateLimitedError("调用频率超限", retry_after=30)]
    with pytest.raises(ShopParkedError):
        run(deps, shops, action, shop, platform)
    assert shops.get("S1").status is ShopStatus.RATE_LIMITED
    assert deps.cases.get("S1-C1").pending_action == svc.APPROVE_REFUND


def test_given_a_bundle_line_then_returned_stock_counts_each_component() -> None:
    order = canonical_order("1")
    from chalicelib.domain.orders import LineItem
    line = LineItem("L1", "sku-1", "p", "MC", "套装", "默认", 2, 100, 200,
                    links=(SkuLink("A", 1), SkuLink("B", 2)))
    case = replace(AfterSale("S1-C1", "S1", Platform.TAOBAO, "C1", "S1-1", "1", T.RETURN_AND_REFUND,
                             S.AWAITING_SELLER_RECEIPT, "x", 100, "r", NOW, NOW),
                   lines=(AfterSaleLine("L1", "sku-1", 2, 200),))
    assert svc.restock_items(case, replace(order, lines=(line,))) == [("L1", "A", 2), ("L1", "B", 4)]
