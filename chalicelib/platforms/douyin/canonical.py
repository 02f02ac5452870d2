"""Douyin after-sale, catalog, carrier, token and waybill-account payloads -> the canonical shapes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.platform import Platform
from chalicelib.platforms.douyin.mapping import RETURN_TYPES, after_sale_status, after_sale_type, as_int, at, at_or_none
from chalicelib.services.platform_types import (
    Address,
    AfterSaleLine,
    CanonicalAfterSale,
    CanonicalProduct,
    CanonicalSku,
    Carrier,
    TokenSet,
    WaybillAccount,
)


# ---------------------------------------------------------------- after-sales
def after_sale_from_list_item(item: Mapping[str, Any]) -> CanonicalAfterSale:
    """One `afterSale.List` item (aftersale_info + order_info)."""
    info, order = item.get("aftersale_info") or {}, item.get("order_info") or {}
    related = [
        r for r in order.get("related_order_info") or () if str(r.get("sku_order_id")) == str(info.get("related_id"))
    ]
    lines = tuple(
        AfterSaleLine(
            line_id=str(r.get("sku_order_id")),
            platform_sku_id=str(r.get("sku_id") or ""),
            quantity=as_int(r.get("aftersale_item_num")) or as_int(info.get("aftersale_num")),
            refund_fen=as_int(info.get("refund_amount")),
        )
        for r in related
    )
    return _after_sale(
        item,
        case_id=info.get("aftersale_id"),
        order_no=order.get("shop_order_id"),
        kind=info.get("aftersale_type"),
        status=info.get("aftersale_status"),
        refund_status=info.get("refund_status"),
        refund_fen=as_int(info.get("refund_amount")),
        reason=(item.get("text_part") or {}).get("reason_text"),
        created=info.get("apply_time") or info.get("create_time"),
        modified=info.get("update_time"),
        lines=lines,
        return_no=info.get("return_logistics_code"),
        deadline=info.get("status_deadline"),
    )


def after_sale_from_detail(data: Mapping[str, Any]) -> CanonicalAfterSale:
    """`afterSale.Detail` data (process_info.after_sale_info + order_info); names differ from the list."""
    process = data.get("process_info") or {}
    info, order = process.get("after_sale_info") or {}, data.get("order_info") or {}
    returned = (process.get("logistics_info") or {}).get("return") or {}
    lines = tuple(
        AfterSaleLine(
            line_id=str(s.get("sku_order_id")),
            platform_sku_id=str(s.get("sku_id") or ""),
            quantity=as_int(s.get("after_sale_item_count")) or as_int(s.get("item_quantity")),
            refund_fen=as_int(info.get("refund_total_amount")),
        )
        for s in order.get("sku_order_infos") or ()
    )
    return _after_sale(
        data,
        case_id=info.get("after_sale_id"),
        order_no=order.get("shop_order_id"),
        kind=info.get("after_sale_type"),
        status=info.get("after_sale_status"),
        refund_status=info.get("refund_status"),
        refund_fen=as_int(info.get("refund_total_amount")),
        reason=info.get("reason"),
        created=info.get("apply_time"),
        modified=info.get("update_time"),
        lines=lines,
        return_no=returned.get("tracking_no"),
        return_carrier=returned.get("company_code"),
        deadline=info.get("status_deadline"),
        note=info.get("reason_remark"),
        evidence=info.get("evidence"),
    )


def _after_sale(
    raw: Mapping[str, Any],
    *,
    case_id: Any,
    order_no: Any,
    kind: Any,
    status: Any,
    refund_status: Any,
    refund_fen: int,
    reason: Any,
    created: Any,
    modified: Any,
    lines: tuple[AfterSaleLine, ...],
    return_no: Any,
    deadline: Any,
    return_carrier: Any = "",
    note: Any = "",
    evidence: Any = (),
) -> CanonicalAfterSale:
    return CanonicalAfterSale(
        platform=Platform.DOUYIN,
        case_id=str(case_id),
        order_no=str(order_no),
        type=after_sale_type(kind),
        status=after_sale_status(status, kind, refund_status),
        platform_status=str(status),
        platform_type=str(kind),
        refund_fen=refund_fen,
        reason=str(reason or ""),
        created_at=at(created),
        modified_at=at(modified),
        lines=lines,
        buyer_note=str(note or ""),
        evidence_urls=tuple(str(e) for e in evidence or ()),
        has_goods_return=as_int(kind) in RETURN_TYPES,
        return_carrier_code=str(return_carrier or ""),
        return_tracking_no=str(return_no or ""),
        deadline_at=at_or_none(deadline),
        raw=raw,
    )


# ---------------------------------------------------------------- catalog, carriers, tokens, waybills
def product_from_payload(product: Mapping[str, Any], skus: list[Mapping[str, Any]]) -> CanonicalProduct:
    product_id, title = str(product.get("product_id")), str(product.get("name") or "")
    return CanonicalProduct(
        platform_product_id=product_id,
        title=title,
        on_sale=as_int(product.get("status")) == 0,
        raw=product,
        skus=tuple(
            CanonicalSku(
                platform_sku_id=str(s.get("id")),
                platform_product_id=product_id,
                merchant_code=str(s.get("code") or s.get("out_sku_id") or ""),
                title=title,
                sku_name=" ".join(str(s.get(f"spec_detail_name{i}") or "") for i in (1, 2, 3)).strip(),
                price_fen=as_int(s.get("price")),
                stock=as_int(s.get("stock_num")),
                image_url=str(product.get("img") or ""),      # product.listV2's main image
            )
            for s in skus
        ),
    )


def carrier_from_payload(c: Mapping[str, Any]) -> Carrier:
    return Carrier(code=str(c.get("code")), name=str(c.get("name") or ""))


def token_from_payload(data: Mapping[str, Any], now: datetime) -> TokenSet:
    return TokenSet(
        access_token=str(data["access_token"]),
        expires_at=now + timedelta(seconds=as_int(data.get("expires_in"))),
        refresh_token=str(data.get("refresh_token") or ""),
        refresh_expires_at=now + timedelta(days=14),  # not in the response; Douyin documents 14 days
        seller_id=str(data.get("shop_id") or ""),
        raw=data,
    )


def waybill_accounts_from_payload(data: Mapping[str, Any]) -> list[WaybillAccount]:
    accounts = []
    for site in data.get("netsites") or ():
        company = str(site.get("company") or data.get("logistics_code") or "")
        sender = (site.get("sender_address") or [{}])[0]
        accounts.append(
            WaybillAccount(
                account_id=f"{company}:{site.get('netsite_code') or ''}",
                carrier_code=company,
                carrier_name=company,
                branch_code=str(site.get("netsite_code") or ""),
                branch_name=str(site.get("netsite_name") or ""),
                remaining=as_int(site.get("amount"), default=-1),
                sender_address=Address(
                    province=str(sender.get("province_name") or ""),
                    city=str(sender.get("city_name") or ""),
                    district=str(sender.get("district_name") or ""),
                    town=str(sender.get("street_name") or ""),
                    detail=str(sender.get("detail_address") or ""),
                ),
                raw=site,
            )
        )
    return accounts
