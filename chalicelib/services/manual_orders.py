"""Manual orders (手工订单) on an offline channel: a shop of platform "offline" (nothing to sync), orders
typed in by an operator with ERP SKU lines, freight and discount. They go through the same review gate, ERP
hand-off, stock reservation and shipping as platform orders (a shipment of an offline order is confirmed at
once: there is no platform to tell)."""
from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.orders import LineItem, Order, OrderChange, Receiver, SkuLink, handoff_for, order_id_for
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.domain.status import OrderStatus, ShopStatus
from chalicelib.services.ports import Clock, OrderRepository
from chalicelib.services.regions import check_region
from chalicelib.services.shops import register_shop

OFFLINE_REASON = "offline channel (手工订单): nothing to sync"
MAX_LINES = 50


@dataclass(frozen=True)
class ManualLine:
    sku_code: str
    quantity: int
    unit_price_fen: int


@dataclass(frozen=True)
class ManualOrder:
    shop_id: str
    buyer_nick: str
    receiver_name: str
    receiver_phone: str
    province: str
    city: str
    district: str
    address: str
    lines: tuple[ManualLine, ...]
    freight_fen: int = 0
    discount_fen: int = 0
    paid: bool = True
    buyer_memo: str = ""
    seller_memo: str = ""


@dataclass(frozen=True)
class ManualDeps:
    orders: OrderRepository
    clock: Clock
    shop: Callable[[str], Shop | None]
    sku_names: Callable[[set[str]], dict[str, str]]          # ERP SKU code -> name, the existing ones only
    gate: Callable[[Order], Order]                            # the review gate over the current rules
    encrypt: Callable[[Any, str], str] | None = None          # the receiver's plaintext, sealed


def create_offline_shop(shops: Any, name: str) -> Shop:
    """Disabled for sync (the scheduler never pulls it), active for everything else."""
    seller = "offline-" + secrets.token_hex(6)
    return register_shop(shops, name=name, platform=Platform.OFFLINE, seller_id=seller, app_key="offline",
                         secrets=ShopSecrets(app_secret="none"), status=ShopStatus.DISABLED,
                         status_reason=OFFLINE_REASON)


def create_manual_order(deps: ManualDeps, draft: ManualOrder, actor: str) -> Order:
    shop = deps.shop(draft.shop_id)
    if shop is None or shop.platform is not Platform.OFFLINE:
        raise ValidationError("manual orders go to an offline shop", field="shop_id", reason="manual.shop")
    check_region(draft.province, draft.city, draft.district)
    names = _check_lines(deps, draft.lines)
    now = deps.clock.now()
    order_no = f"M{now:%Y%m%d%H%M%S}{secrets.token_hex(3).upper()}"
    order_id = order_id_for(shop.shop_id, order_no)
    goods = sum(line.quantity * line.unit_price_fen for line in draft.lines)
    if draft.discount_fen > goods + draft.freight_fen:
        raise ValidationError("the discount is more than the order", field="discount_fen", reason="manual.discount")
    paid = goods + draft.freight_fen - draft.discount_fen
    plaintext = {"name": draft.receiver_name, "phone": draft.receiver_phone, "address": draft.address}
    receiver = Receiver(name_masked=mask_name(draft.receiver_name), phone_masked=mask_phone(draft.receiver_phone),
                        province=draft.province, city=draft.city, district=draft.district,
                        address_masked=mask_address(draft.address),
                        encrypted=deps.encrypt(plaintext, f"receiver:{order_id}") if deps.encrypt else "")
    status = OrderStatus.AWAITING_SHIPMENT if draft.paid else OrderStatus.PENDING_PAYMENT
    order = Order(order_id=order_id, shop_id=shop.shop_id, platform=Platform.OFFLINE, order_no=order_no,
                  status=status, platform_status="MANUAL", lines=_lines(draft.lines, names), created_at=now,
                  modified_at=now, updated_at=now, total_fen=goods + draft.freight_fen,
                  paid_fen=paid if draft.paid else 0,
                  freight_fen=draft.freight_fen, seller_discount_fen=draft.discount_fen, receiver=receiver,
                  buyer_memo=draft.buyer_memo, seller_memo=draft.seller_memo, buyer_id=draft.buyer_nick,
                  paid_at=now if draft.paid else None, version=1,
                  history=(OrderChange(now, actor, f"created by hand as {status.value}"),))
    reviewed = deps.gate(replace(order, erp_handoff=handoff_for(order)))
    deps.orders.add(reviewed)
    return replace(reviewed, revision=1)


def _check_lines(deps: ManualDeps, lines: Sequence[ManualLine]) -> dict[str, str]:
    if not lines or len(lines) > MAX_LINES:
        raise ValidationError(f"1 to {MAX_LINES} lines", field="lines", reason="manual.lines")
    names = deps.sku_names({line.sku_code for line in lines})
    for n, line in enumerate(lines):
        if line.sku_code not in names:
            raise ValidationError(f"no ERP SKU {line.sku_code}", field=f"lines[{n}].sku_code", reason="manual.sku")
    return names


def _lines(lines: Sequence[ManualLine], names: dict[str, str]) -> tuple[LineItem, ...]:
    return tuple(LineItem(line_id=str(n + 1), platform_sku_id=line.sku_code, platform_product_id=line.sku_code,
                          merchant_code=line.sku_code, title=names[line.sku_code], sku_name="",
                          quantity=line.quantity, unit_price_fen=line.unit_price_fen,
                          paid_fen=line.quantity * line.unit_price_fen, links=(SkuLink(line.sku_code, 1),))
                 for n, line in enumerate(lines))


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def mask_address(address: str) -> str:
    return address[:4] + "****" if len(address) > 4 else "****"
