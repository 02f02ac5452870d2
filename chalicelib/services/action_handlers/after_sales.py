"""After-sale write-backs: approve or reject a refund, approve a return, confirm the returned goods.
Idempotent: the handler runs only while the case still waits for this action, and reads the platform's
case first, so a redelivery after the platform applied it (but before we recorded that) does not send it
again. Refusals keep the platform's reason on the case; transient errors retry through the queue, an
expired authorisation or throttling parks the shop, as ship-back does."""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType
from chalicelib.platforms.base import Address, CanonicalAfterSale, PlatformClient, RejectReason
from chalicelib.platforms.errors import AuthExpiredError, BadRequestError, PlatformError, RateLimitedError
from chalicelib.services.action_handlers.shipments import ShopParkedError, _describe, _park, _parked
from chalicelib.services.actions import Action, handles
from chalicelib.services.after_sales import (
    APPLIED_STATUS,
    APPROVE_REFUND,
    APPROVE_RETURN,
    CONFIRM_RECEIVED,
    REJECT_REFUND,
    logged,
    settle,
    update,
)

log = logging.getLogger("oms.actions.after_sales")


def _call(name: str, client: PlatformClient, case: AfterSale, payload: dict[str, Any]) -> None:
    if name == APPROVE_REFUND:
        client.approve_refund(case.platform_case_id)
    elif name == REJECT_REFUND:
        client.reject_refund(case.platform_case_id, RejectReason(str(payload["reason_code"]),
                                                                 str(payload["reason_text"])))
    elif name == APPROVE_RETURN:
        a = payload["address"]
        client.approve_return(case.platform_case_id, Address(a["province"], a["city"], a["district"], a["detail"],
                                                             a.get("town", "")),
                              str(payload["contact"]), str(payload["phone"]))
    else:
        client.confirm_return_received(case.platform_case_id)


@handles(APPROVE_REFUND)
@handles(REJECT_REFUND)
@handles(APPROVE_RETURN)
@handles(CONFIRM_RECEIVED)
def after_sale_action(action: Action, shop: Shop, client: PlatformClient) -> None:
    from chalicelib import bootstrap
    run(bootstrap.after_sale_deps(), bootstrap.shops(), action, shop, client)


def run(deps: Any, shops: Any, action: Action, shop: Shop, client: PlatformClient) -> None:
    case = deps.cases.get(str(action.payload["case_id"]))
    if case is None or case.pending_action != action.name:
        log.info("after-sale action already answered", extra={"action_id": action.action_id})
        return
    if _parked(shop, deps.clock.now()):
        raise ShopParkedError(f"shop {shop.shop_id} is {shop.status.value}: {action.name} waits")
    actor = f"platform:{shop.platform.value}"
    try:
        before = client.get_after_sale(case.platform_case_id)
        if before.status not in APPLIED_STATUS[action.name]:
            _call(action.name, client, case, action.payload)
        after = client.get_after_sale(case.platform_case_id)
        after = _release_refund(action.name, client, case, after)
    except (AuthExpiredError, RateLimitedError) as exc:
        _outcome(deps, case.case_id, actor, action.name, "retrying", _describe(exc), keep_pending=True)
        _park(shops, shop, exc, deps.clock.now())
        raise ShopParkedError(f"shop {shop.shop_id} parked: {exc}") from exc
    except BadRequestError as exc:
        _outcome(deps, case.case_id, actor, action.name, "refused", _describe(exc), keep_pending=False)
        _refresh(deps, shop, client, case)
        return
    except PlatformError as exc:
        _outcome(deps, case.case_id, actor, action.name, "retrying", _describe(exc), keep_pending=True)
        raise
    applied = _outcome(deps, case.case_id, actor, action.name, "applied", after.platform_status,
                       keep_pending=False, fresh=after, shop_id=shop.shop_id)
    settle(deps, applied, action.name)


def _release_refund(name: str, client: PlatformClient, case: AfterSale, after: CanonicalAfterSale
                    ) -> CanonicalAfterSale:
    """Where receipt and refund are two platform steps (JD's service orders), receipt releases the refund."""
    if name != CONFIRM_RECEIVED or case.type is not AfterSaleType.RETURN_AND_REFUND or \
            after.status is not AfterSaleStatus.SELLER_PROCESSING:
        return after
    client.approve_refund(case.platform_case_id)
    return client.get_after_sale(case.platform_case_id)


def _outcome(deps: Any, case_id: str, actor: str, name: str, kind: str, text: str, *, keep_pending: bool,
             fresh: CanonicalAfterSale | None = None, shop_id: str = "") -> AfterSale:
    def change(case: AfterSale) -> AfterSale:
        if case.pending_action != name:
            return case                         # answered meanwhile by another delivery
        if fresh is not None:
            case = _with_platform(case, shop_id, fresh)
        error = "" if kind == "applied" else text
        case = replace(case, action_error=error) if keep_pending else \
            replace(case, pending_action="", pending_action_id="", pending_payload="", action_error=error)
        return logged(case, deps.clock, actor, kind, name, text)
    return update(deps.cases, case_id, change)


def _with_platform(case: AfterSale, shop_id: str, fresh: CanonicalAfterSale) -> AfterSale:
    """The platform's snapshot just read, keeping what the OMS owns (history, pending action, hand-off).
    Platform times have second resolution: a change within the second keeps the version, so an equal
    version with another platform status is taken too (this read is fresher than anything stored)."""
    from chalicelib.services.after_sales_ingest import _case
    if fresh.version < case.version or (fresh.version == case.version and
                                        fresh.platform_status == case.platform_status):
        return case
    snapshot = _case(shop_id, fresh, case)
    return replace(snapshot, history=case.history, pending_action=case.pending_action,
                   action_error=case.action_error, reissue_shipment_ids=case.reissue_shipment_ids,
                   pending_action_id=case.pending_action_id, pending_payload=case.pending_payload)


def _refresh(deps: Any, shop: Shop, client: PlatformClient, case: AfterSale) -> None:
    """After a refusal the platform's state is shown as it is now (best effort)."""
    try:
        fresh = client.get_after_sale(case.platform_case_id)
    except PlatformError:
        return
    update(deps.cases, case.case_id, lambda c: _with_platform(c, shop.shop_id, fresh))
    settle(deps, deps.cases.get(case.case_id), "")
