"""POP payloads -> canonical shapes. The raw payload rides along on every record."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from chalicelib.domain.money import yuan_to_fen
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import AfterSaleType
from chalicelib.platforms.pdd.mapping import (
    REFUND_STATE,
    after_sale_status,
    as_int,
    case_id,
    order_status,
    pdd_time,
)
from chalicelib.services.platform_types import (
    Address,
    AfterSaleLine,
    CanonicalAfterSale,
    CanonicalLine,
    CanonicalOrder,
    CanonicalProduct,
    CanonicalReceiver,
    CanonicalSku,
    WaybillAccount,
)

Payload = Mapping[str, Any]
CIPHER_FIELDS = ("receiver_name", "receiver_phone", "receiver_address", "address")


def to_order(p: Payload, carrier_of: Callable[[int], str] = str) -> CanonicalOrder:
    status_value, refund = as_int(p.get("order_status")), as_int(p.get("refund_status"), 1)
    confirm = as_int(p.get("confirm_status"), 1)
    created = _required_time(p, "created_time", "confirm_time")
    logistics_id = as_int(p.get("logistics_id"))
    return CanonicalOrder(
        platform=Platform.PDD,
        order_no=str(p["order_sn"]),
        platform_status=f"order_status={status_value},refund_status={refund},confirm_status={confirm}",
        status=order_status(status_value, refund, confirm),
        refund_state=REFUND_STATE.get(refund, REFUND_STATE[1]),
        created_at=created,
        modified_at=pdd_time(p.get("updated_at")) or created,
        lines=_lines(p.get("item_list") or (), yuan_to_fen(p.get("discount_amount"))),
        receiver=_receiver(p),
        total_fen=yuan_to_fen(p.get("goods_amount")),
        paid_fen=yuan_to_fen(p.get("pay_amount")),
        freight_fen=yuan_to_fen(p.get("postage")),
        seller_discount_fen=yuan_to_fen(p.get("seller_discount")),
        platform_discount_fen=yuan_to_fen(p.get("platform_discount")),
        paid_at=pdd_time(p.get("pay_time")) or pdd_time(p.get("confirm_time")),
        buyer_memo=str(p.get("buyer_memo") or ""),
        seller_memo=str(p.get("remark") or ""),
        seller_flag=as_int(p.get("remark_tag")),
        shipped_at=pdd_time(p.get("shipping_time")),
        carrier_code=carrier_of(logistics_id) if logistics_id else "",
        tracking_no=str(p.get("tracking_number") or ""),
        order_type="step_payment" if p.get("step_order_info") else "normal",   # [I] step_order_info: 定金预售
        ship_by_at=pdd_time(p.get("last_ship_time")),
        raw=p,
    )


def _lines(items: Sequence[Payload], discount_fen: int) -> tuple[CanonicalLine, ...]:
    gross = [yuan_to_fen(item.get("goods_price")) * as_int(item.get("goods_count")) for item in items]
    shares = allocate(discount_fen, gross)
    seen: dict[str, int] = {}
    lines = []
    for item, amount, share in zip(items, gross, shares, strict=True):
        sku_id = str(item.get("sku_id") or item.get("goods_id") or "")
        seen[sku_id] = seen.get(sku_id, 0) + 1
        # items carry no sub-order id: the sku is unique within an order, suffixed if it ever repeats
        line_id = sku_id if seen[sku_id] == 1 else f"{sku_id}#{seen[sku_id]}"
        lines.append(
            CanonicalLine(
                line_id=line_id,
                platform_sku_id=sku_id,
                platform_product_id=str(item.get("goods_id") or ""),
                merchant_code=str(item.get("outer_id") or ""),
                title=str(item.get("goods_name") or ""),
                sku_name=str(item.get("goods_spec") or ""),
                quantity=as_int(item.get("goods_count")),
                unit_price_fen=yuan_to_fen(item.get("goods_price")),
                paid_fen=amount - share,
                discount_fen=share,
                image_url=str(item.get("goods_img") or ""),
            )
        )
    return tuple(lines)


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` over `weights` in proportion, largest remainder first, summing exactly."""
    whole = sum(weights)
    if not whole or not total:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % whole))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _receiver(p: Payload) -> CanonicalReceiver | None:
    if not (p.get("receiver_name_mask") or p.get("receiver_name")):
        return None
    return CanonicalReceiver(
        name_masked=str(p.get("receiver_name_mask") or ""),
        phone_masked=str(p.get("receiver_phone_mask") or ""),
        province=str(p.get("province") or ""),
        city=str(p.get("city") or ""),
        district=str(p.get("town") or ""),  # POP's `town` is the county/district level
        address_masked=str(p.get("receiver_address_mask") or ""),
        ciphertext={name: str(p[name]) for name in CIPHER_FIELDS if p.get(name)},
    )


def to_after_sale(p: Payload, types: Mapping[int, AfterSaleType]) -> CanonicalAfterSale:
    order_sn = str(p["order_sn"])
    type_value, status_value = as_int(p.get("after_sales_type")), as_int(p.get("after_sales_status"))
    tracking = str(p.get("tracking_number") or p.get("express_no") or "")
    refund = yuan_to_fen(p.get("refund_amount"))
    created = _required_time(p, "created_time", "updated_time")
    kind = types.get(type_value, AfterSaleType.OTHER)
    sku_id = str(p.get("sku_id") or "")
    return CanonicalAfterSale(
        platform=Platform.PDD,
        case_id=case_id(order_sn, p["id"]),
        order_no=order_sn,
        type=kind,
        status=after_sale_status(status_value, tracking),
        platform_status=str(status_value),
        platform_type=str(type_value),
        refund_fen=refund,
        reason=str(p.get("after_sale_reason") or p.get("after_sales_reason") or ""),
        created_at=created,
        modified_at=pdd_time(p.get("updated_time")) or created,
        lines=(
            AfterSaleLine(
                line_id=sku_id,
                platform_sku_id=sku_id,
                quantity=as_int(p.get("goods_number"), 1),
                refund_fen=refund,
            ),
        )
        if sku_id
        else (),
        buyer_note=str(p.get("remark") or p.get("question_desc") or ""),
        evidence_urls=tuple(str(url) for url in p.get("images") or ()),
        has_goods_return=kind
        in {AfterSaleType.RETURN_AND_REFUND, AfterSaleType.EXCHANGE, AfterSaleType.REPAIR},
        return_carrier_code=str(p.get("shipping_name") or ""),
        return_tracking_no=tracking,
        deadline_at=pdd_time(p.get("expire_time")),
        raw=p,
    )


def to_product(p: Payload) -> CanonicalProduct:
    product_id, title = str(p.get("goods_id") or ""), str(p.get("goods_name") or "")
    skus = tuple(
        # pdd.goods.list.get carries no price: price_fen stays 0 (pdd.goods.detail.get has it)
        CanonicalSku(
            platform_sku_id=str(s.get("sku_id") or ""),
            platform_product_id=product_id,
            merchant_code=str(s.get("outer_id") or ""),
            title=title,
            sku_name=str(s.get("spec") or ""),
            price_fen=0,
            stock=as_int(s.get("sku_quantity")),
            image_url=str(p.get("thumb_url") or ""),
        )
        for s in p.get("sku_list") or ()
    )
    return CanonicalProduct(
        platform_product_id=product_id,
        title=title,
        skus=skus,
        on_sale=as_int(p.get("is_onsale"), 1) == 1,
        raw=p,
    )


def to_waybill_accounts(subscription: Payload) -> list[WaybillAccount]:
    wp_code = str(subscription.get("wp_code") or "")
    accounts = []
    for branch in subscription.get("branch_account_cols") or ():
        for address in branch.get("shipp_address_cols") or [{}]:
            sender = Address(
                province=str(address.get("province") or ""),
                city=str(address.get("city") or ""),
                district=str(address.get("district") or ""),
                detail=str(address.get("detail") or ""),
            )
            accounts.append(
                WaybillAccount(
                    account_id=f"{wp_code}:{branch.get('branch_code') or ''}",
                    carrier_code=wp_code,
                    carrier_name=str(subscription.get("wp_name") or wp_code),
                    branch_code=str(branch.get("branch_code") or ""),
                    branch_name=str(branch.get("branch_name") or ""),
                    remaining=as_int(branch.get("quantity"), -1),
                    sender_address=sender,
                    raw=subscription,
                )
            )
    return accounts


def _required_time(p: Payload, *names: str) -> datetime:
    for name in names:
        value = pdd_time(p.get(name))
        if value is not None:
            return value
    raise ValueError(f"payload has none of {names}")
