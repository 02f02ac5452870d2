"""A shop's carriers and waybill accounts: pulled from the platform (upserted, never duplicated), one of
them the shop's default, and the sender a platform needs where its account lists none."""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.shops import Shop
from chalicelib.domain.waybills import Sender, ShopWaybillAccount
from chalicelib.services.platform_types import WaybillAccount
from chalicelib.services.waybill_ports import WaybillDeps


def get_shop(deps: WaybillDeps, shop_id: str) -> Shop:
    shop = deps.shops.get(shop_id)
    if shop is None:
        raise NotFoundError(f"no shop {shop_id}")
    return shop


def carriers(deps: WaybillDeps, shop_id: str) -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in deps.clients(get_shop(deps, shop_id)).list_carriers()]


def pull_accounts(deps: WaybillDeps, shop_id: str) -> tuple[list[ShopWaybillAccount], int, int]:
    """Upsert by account id: pulling twice never duplicates. Returns (accounts, added, updated)."""
    shop = get_shop(deps, shop_id)
    now, added, updated = deps.clock.now(), 0, 0
    for pulled in deps.clients(shop).waybill_accounts():
        account = _account_record(shop, pulled, now)
        existing = deps.accounts.get(shop_id, account.account_id)
        if existing is None:
            try:
                deps.accounts.add(account)
                added += 1
                continue
            except ConflictError:
                existing = deps.accounts.get(shop_id, account.account_id)
        assert existing is not None
        deps.accounts.save(replace(_keep_contact(account, existing), revision=existing.revision), existing.revision)
        updated += 1
    return deps.accounts.for_shop(shop_id), added, updated


def _account_record(shop: Shop, pulled: WaybillAccount, now: Any) -> ShopWaybillAccount:
    a = pulled.sender_address
    return ShopWaybillAccount(
        shop_id=shop.shop_id, account_id=pulled.account_id, platform=shop.platform.value,
        carrier_code=pulled.carrier_code, carrier_name=pulled.carrier_name, branch_code=pulled.branch_code,
        branch_name=pulled.branch_name, remaining=pulled.remaining,
        sender=Sender(pulled.sender_name, pulled.sender_phone, a.province, a.city, a.district, a.detail, a.town),
        updated_at=now, raw=dict(pulled.raw))


def _keep_contact(pulled: ShopWaybillAccount, existing: ShopWaybillAccount) -> ShopWaybillAccount:
    """Some platforms (PDD) list no sender contact: the one the seller entered survives a re-pull."""
    sender = pulled.sender
    return replace(pulled, sender=replace(sender, name=sender.name or existing.sender.name,
                                          phone=sender.phone or existing.sender.phone))


def list_accounts(deps: WaybillDeps, shop_id: str = "") -> list[tuple[ShopWaybillAccount, bool]]:
    """(account, is_default); every shop's when no shop is named."""
    shop_ids = [shop_id] if shop_id else [s.shop_id for s in deps.shops.all()]
    out: list[tuple[ShopWaybillAccount, bool]] = []
    for sid in shop_ids:
        default = deps.accounts.default_id(sid)
        out += [(a, a.account_id == default) for a in deps.accounts.for_shop(sid)]
    return out


def set_default_account(deps: WaybillDeps, shop_id: str, account_id: str, *, sender_name: str = "",
                        sender_phone: str = "") -> ShopWaybillAccount:
    """Chooses the shop's default account; a sender contact given here is printed on its waybills."""
    account = deps.accounts.get(shop_id, account_id)
    if account is None:
        raise NotFoundError(f"shop {shop_id} has no waybill account {account_id}: pull the accounts first",
                            reason="waybill.account_unknown")
    if sender_name or sender_phone:
        sender = replace(account.sender, name=sender_name or account.sender.name,
                         phone=sender_phone or account.sender.phone)
        deps.accounts.save(replace(account, sender=sender), account.revision)
        account = replace(account, sender=sender, revision=account.revision + 1)
    deps.accounts.set_default(shop_id, account_id)
    return account


def set_up_shipping(deps: WaybillDeps, shop_id: str) -> str:
    """Right after a shop is authorised: its waybill accounts are pulled and, if it has no default yet, the
    first one becomes it (changeable with PUT .../default-waybill-account), so a waybill can be requested on
    the first day. A platform that refuses is logged, not raised: authorisation succeeded all the same.
    Returns the default account id ("" when there is none)."""
    try:
        accounts, _, _ = pull_accounts(deps, shop_id)
        current = deps.accounts.default_id(shop_id)
        if current or not accounts:
            return current or ""
        first = sorted(accounts, key=lambda a: a.account_id)[0]
        deps.accounts.set_default(shop_id, first.account_id)
        return first.account_id
    except Exception:
        logging.getLogger("oms.waybills").warning("waybill set-up after authorisation failed",
                                                  extra={"shop_id": shop_id}, exc_info=True)
        return ""


def account_for(deps: WaybillDeps, shop_id: str, account_id: str) -> ShopWaybillAccount:
    chosen = account_id or deps.accounts.default_id(shop_id)
    if not chosen:
        raise ValidationError(f"shop {shop_id} has no default waybill account: choose one", field="account_id",
                              reason="waybill.no_default_account")
    account = deps.accounts.get(shop_id, chosen)
    if account is None:
        raise ValidationError(f"shop {shop_id} has no waybill account {chosen}", field="account_id",
                              reason="waybill.account_unknown")
    return account


# ---------------------------------------------------------------- issuing numbers
