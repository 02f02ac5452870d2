"""After-sale write-backs: approve or reject a refund, approve a return, confirm the returned goods.
Idempotent: the handler runs only while the case still waits for this action, and reads the platform's
case first, so a redelivery after the platform applied it (but before we recorded that) does not send it
again. Refusals keep the platform's reason on the case; transient errors retry through the queue, an
expired authorisation or throttling parks the shop, as ship-back does.
A reissue / exchange parcel (`resend`) follows the same rules for its shipment: sent once (a shipment
already confirmed, or a platform case already showing its tracking no., is not sent again), then the
shipment is confirmed through the normal shipment flow and the case shows the platform's new state."""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.shipping import Shipment
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, ShipmentStatus
from chalicelib.services.action_handlers.deps import ActionDeps
from chalicelib.services.action_handlers.shipments import ShopParkedError, _describe, _park, _parked
from chalicelib.services.actions import Action, handles
from chalicelib.services.after_sales import (
    APPLIED_STATUS,
    APPROVE_REFUND,
    APPROVE_RETURN,
    CONFIRM_RECEIVED,
    REJECT_REFUND,
    RESEND,
    CaseDeps,
    logged,
    settle,
    update,
)
from chalicelib.services.after_sales_ingest import _case
from chalicelib.services.alert_sink import raise_refusal
from chalicelib.services.carriers import platform_carrier
from chalicelib.services.platform_errors import AuthExpiredError, BadRequestError, PlatformError, RateLimitedError
from chalicelib.services.platform_ports import PlatformClient, PlatformDirectory
from chalicelib.services.platform_types import Address, CanonicalAfterSale, RejectReason, ResendRequest
from chalicelib.services.ports import ShopRepository
from chalicelib.services.shipments import ShipmentDeps, confirm, record_failure

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
def after_sale_action(deps: ActionDeps, action: Action, shop: Shop, client: PlatformClient) -> None:
    run(deps.cases, deps.shops, action, shop, client)


def run(deps: CaseDeps, shops: ShopRepository, action: Action, shop: Shop, client: PlatformClient) -> None:
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
        raise_refusal(deps.publisher, deps.clock.now(), shop.name, f"after-sale {case.case_id}", action.name,
                      _describe(exc))
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


def _outcome(deps: CaseDeps, case_id: str, actor: str, name: str, kind: str, text: str, *, keep_pending: bool,
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
    if fresh.version < case.version or (fresh.version == case.version and
                                        fresh.platform_status == case.platform_status):
        return case
    snapshot = _case(shop_id, fresh, case)
    return replace(snapshot, history=case.history, pending_action=case.pending_action,
                   action_error=case.action_error, reissue_shipment_ids=case.reissue_shipment_ids,
                   pending_action_id=case.pending_action_id, pending_payload=case.pending_payload)


def _refresh(deps: CaseDeps, shop: Shop, client: PlatformClient, case: AfterSale) -> None:
    """After a refusal the platform's state is shown as it is now (best effort)."""
    try:
        fresh = client.get_after_sale(case.platform_case_id)
    except PlatformError:
        settle(deps, deps.cases.get(case.case_id), "")    # the refusal still reaches the ERP (action_failed)
        return
    update(deps.cases, case.case_id, lambda c: _with_platform(c, shop.shop_id, fresh))
    settle(deps, deps.cases.get(case.case_id), "")


@handles(RESEND)
def resend_action(deps: ActionDeps, action: Action, shop: Shop, client: PlatformClient) -> None:
    shipping = replace(deps.shipments, stock=None)     # a reissue / exchange parcel moves no order stock
    resend_parcel(deps.cases, shipping, deps.shops, deps.platforms, str(action.payload["shipment_id"]), shop, client)


def resend_parcel(deps: CaseDeps, shipping: ShipmentDeps, shops: ShopRepository, platforms: PlatformDirectory,
                  shipment_id: str, shop: Shop, client: PlatformClient) -> None:
    shipment = shipping.shipments.get(shipment_id)
    if shipment is None or shipment.status is ShipmentStatus.CANCELLED:
        log.warning("resend for an unknown or cancelled shipment", extra={"shipment_id": shipment_id})
        return
    actor = f"platform:{shop.platform.value}"
    if shipment.status is ShipmentStatus.CONFIRMED:
        confirm(shipping, shipment, actor)           # repairs a crash after the platform call
        return
    case = deps.cases.get(shipment.after_sale_id)
    if case is None:
        record_failure(shipping, shipment, "the after-sale case is not in the OMS", final=True)
        return
    if _parked(shop, deps.clock.now()):
        raise ShopParkedError(f"shop {shop.shop_id} is {shop.status.value}: resend waits")
    try:
        after = _send_once(client, case, shipment, platforms, shop.platform.value)
    except (AuthExpiredError, RateLimitedError) as exc:
        record_failure(shipping, shipment, _describe(exc), final=False)
        _logged(deps, case.case_id, actor, "retrying", _describe(exc))
        _park(shops, shop, exc, deps.clock.now())
        raise ShopParkedError(f"shop {shop.shop_id} parked: {exc}") from exc
    except BadRequestError as exc:
        record_failure(shipping, shipment, _describe(exc), final=True)
        _logged(deps, case.case_id, actor, "refused", _describe(exc))
        raise_refusal(deps.publisher, deps.clock.now(), shop.name, f"after-sale {case.case_id}", RESEND,
                      _describe(exc))
        _refresh(deps, shop, client, case)
        return
    except PlatformError as exc:
        record_failure(shipping, shipment, _describe(exc), final=False)
        _logged(deps, case.case_id, actor, "retrying", _describe(exc))
        raise
    confirm(shipping, shipment, actor)
    applied = update(deps.cases, case.case_id, lambda c: logged(
        _with_platform(c, shop.shop_id, after), deps.clock, actor, "applied", RESEND,
        f"{shipment.carrier_code} {shipment.tracking_no}: {after.platform_status}"))
    settle(deps, applied, RESEND)


def _send_once(client: PlatformClient, case: AfterSale, shipment: Shipment, platforms: PlatformDirectory,
               platform: str) -> CanonicalAfterSale:
    before = client.get_after_sale(case.platform_case_id)
    if not _already_sent(before, shipment.tracking_no):
        client.resend(ResendRequest(case_id=case.platform_case_id, order_no=case.order_no,
                                    carrier_code=platform_carrier(platforms, platform, shipment.carrier_code),
                                    tracking_no=shipment.tracking_no))
    return client.get_after_sale(case.platform_case_id)


def _already_sent(case: CanonicalAfterSale, tracking_no: str) -> bool:
    """The platform's case already carries this parcel (a redelivery after the platform took it)."""
    return case.status is AfterSaleStatus.RESHIPPED or tracking_no in json.dumps(case.raw, ensure_ascii=False,
                                                                                 default=str)


def _logged(deps: CaseDeps, case_id: str, actor: str, kind: str, text: str) -> AfterSale:
    return update(deps.cases, case_id, lambda c: logged(c, deps.clock, actor, kind, RESEND, text))
