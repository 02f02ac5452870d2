"""Printing waybills: the messages for the platform's own print component (the browser forwards them over
its WebSocket on 127.0.0.1), the PDF label fallback, and the pick list. Nothing here changes a waybill:
the UI reports a print through mark_printed once the component answers. The PDF renderers import reportlab
on first use (2.2 s measured with `python -X importtime` on the shared dev box): the print-job route and
every other Lambda that loads this module skip it."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from chalicelib.domain.errors import InvalidTransitionError, NotFoundError, ValidationError
from chalicelib.domain.orders import Order
from chalicelib.domain.status import RefundState
from chalicelib.domain.waybills import Waybill
from chalicelib.printing.components import (
    PrintDocument,
    component_for,
    component_url,
    get_printers_message,
    new_request_id,
    print_message,
)
from chalicelib.services.platform_ports import PlatformSpec
from chalicelib.services.waybills import WaybillDeps, waybills_of

DOCUMENTS_PER_REQUEST = 10
LABEL_SIZES = ("100x150", "76x130")


def _printable(deps: WaybillDeps, waybill_ids: Sequence[str]) -> list[Waybill]:
    if not waybill_ids:
        raise ValidationError("waybill_ids must name at least one waybill", field="waybill_ids")
    waybills = waybills_of(deps, waybill_ids)
    for waybill in waybills:
        if not waybill.active:
            raise InvalidTransitionError(f"waybill {waybill.waybill_no} is cancelled: it cannot print",
                                         reason="waybill.cancelled")
    return waybills


def print_job(deps: WaybillDeps, waybill_ids: Sequence[str], printer: str, *, preview: bool = False
              ) -> dict[str, Any]:
    """One request per batch of documents, as the platform's component takes it; one platform per job
    (each platform's component is its own program on its own port)."""
    waybills = _printable(deps, waybill_ids)
    platforms = {w.platform for w in waybills}
    if len(platforms) > 1:
        raise ValidationError(f"one platform per print job, got {', '.join(sorted(platforms))}", field="waybill_ids",
                              reason="print.one_platform")
    platform = platforms.pop()
    spec = component_for(platform)
    documents = [PrintDocument(w.waybill_no, w.print_data, template_url=w.template_url) for w in waybills]
    requests = []
    for start in range(0, len(documents), DOCUMENTS_PER_REQUEST):
        batch = documents[start:start + DOCUMENTS_PER_REQUEST]
        try:
            requests.append(print_message(platform, new_request_id(), new_request_id(), batch, printer,
                                          preview=preview))
        except ValueError as exc:
            raise ValidationError(f"cannot print: {exc}", field="waybill_ids") from exc
    name = _spec(deps, platform).print_component_name
    return {"component": {"name": name, "url": component_url(platform), "family": spec.family.value},
            "requests": requests, "get_printers": get_printers_message(platform, new_request_id())}


def _spec(deps: WaybillDeps, platform: str) -> PlatformSpec:
    spec = deps.platforms.spec_of(platform)
    if spec is None:
        raise ValidationError(f"{platform} has no print component", field="waybill_ids")
    return spec


def _name_zh(deps: WaybillDeps, platform: str) -> str:
    spec = deps.platforms.spec_of(platform)
    return spec.name_zh if spec else ""


# ---------------------------------------------------------------- PDF fallbacks
def labels_pdf(deps: WaybillDeps, waybill_ids: Sequence[str], size: str, *, at: datetime | None = None) -> bytes:
    from chalicelib.printing.labels import LabelSize, render_labels  # cold start: reportlab (docstring)
    if size not in LABEL_SIZES:
        raise ValidationError(f"size must be one of {', '.join(LABEL_SIZES)}", field="size")
    label_size = LabelSize.MM100X150 if size == "100x150" else LabelSize.MM76X130
    labels = [_label(deps, w, label_size) for w in _printable(deps, waybill_ids)]
    return render_labels(labels, printed_at=at or deps.clock.now())


def _orders(deps: WaybillDeps, order_ids: Sequence[str]) -> list[Order]:
    orders = []
    for order_id in order_ids:
        order = deps.orders.get(order_id)
        if order is None:
            raise NotFoundError(f"no order {order_id}")
        orders.append(order)
    return orders


def _label(deps: WaybillDeps, waybill: Waybill, size: Any) -> Any:
    from chalicelib.printing.labels import LabelData, LabelItem, Party, mask_name, mask_phone  # cold start
    orders = _orders(deps, waybill.order_ids)
    r = orders[0].receiver
    receiver = Party("", "", "") if r is None else Party(
        mask_name(r.name_masked), mask_phone(r.phone_masked),
        "".join((r.province, r.city, r.district, r.town, r.address_masked)))
    account = deps.accounts.get(waybill.shop_id, waybill.account_id)
    sender = Party("", "", "") if account is None else Party(
        account.sender.name, account.sender.phone,
        "".join((account.sender.province, account.sender.city, account.sender.district, account.sender.detail)))
    items = tuple(LabelItem(line.title, line.quantity, line.sku_name) for order in orders for line in order.lines)
    return LabelData(carrier_name=waybill.carrier_name or waybill.carrier_code, tracking_no=waybill.waybill_no,
                     receiver=receiver, sender=sender, items=items, order_nos=waybill.order_nos, size=size,
                     platform_name=_name_zh(deps, waybill.platform))


def pick_items(orders: Sequence[Order]) -> list[Any]:
    """What the seller's warehouse picks: each unshipped unit of the seller's own lines, as its ERP SKUs."""
    from chalicelib.printing.picklist import PickItem  # cold start: reportlab (see picklist_pdf)
    items = []
    for order in orders:
        for line in order.own_lines:          # a supplier's lines are not ours to pick (drop-shipping)
            quantity = line.quantity - line.shipped_quantity
            if quantity <= 0 or line.refund_state is RefundState.REFUNDED:
                continue
            parts = [(link.sku_code, link.quantity) for link in line.links] or [(line.merchant_code, 1)]
            items += [PickItem(order.order_no, code, line.title, line.sku_name, quantity * per)
                      for code, per in parts]
    return items


def picklist_pdf(deps: WaybillDeps, order_ids: Sequence[str], *, at: datetime | None = None) -> bytes:
    """SKUs summed across the orders; a linked line is picked as its ERP SKUs (a bundle as its parts)."""
    from chalicelib.printing.picklist import render_picklist  # cold start: reportlab (docstring)
    if not order_ids:
        raise ValidationError("order_ids must name at least one order", field="order_ids")
    items = pick_items(_orders(deps, list(dict.fromkeys(order_ids))))
    if not items:
        raise ValidationError("nothing left to pick in these orders", field="order_ids", reason="picklist.empty")
    return render_picklist(items, generated_at=at or deps.clock.now())
