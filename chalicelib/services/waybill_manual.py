"""Waybills for manual orders (手工订单, #22 item 3): an offline shop has no waybill account of its own, so the
operator names a platform shop whose account prints it. Only platforms whose waybill API takes an order of
another channel can (domain/waybill_channels.py); the receiver goes to them in plaintext, opened from the
order's envelope (the seller typed it: no platform ciphertext exists)."""
from __future__ import annotations

from collections.abc import Mapping

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.orders import Order
from chalicelib.domain.platform import Platform
from chalicelib.domain.waybill_channels import other_channel_code
from chalicelib.domain.waybills import ShopWaybillAccount
from chalicelib.services.waybill_accounts import account_for
from chalicelib.services.waybill_ports import WaybillDeps


def is_manual(order: Order) -> bool:
    return order.platform is Platform.OFFLINE


def manual_account(deps: WaybillDeps, account_shop_id: str, account_id: str) -> tuple[ShopWaybillAccount, str]:
    """(account, why): the named shop's account (its default when none is named), refused before any platform
    call where that platform's waybill API takes only its own orders."""
    if not account_shop_id:
        raise ValidationError("a manual order takes its waybill from a platform shop's account: name "
                              "account_shop_id", field="account_shop_id", reason="waybill.manual_needs_account")
    account = account_for(deps, account_shop_id, account_id)
    other_channel_code(account.platform)
    return account, f"a manual order on shop {account_shop_id}'s account"


def other_channel(deps: WaybillDeps, order: Order, account: ShopWaybillAccount) -> tuple[str, Mapping[str, str]]:
    """(the channel code the account's platform takes, the receiver in plaintext)."""
    channel = other_channel_code(account.platform)
    receiver = order.receiver
    plain = deps.decrypt(receiver.encrypted, f"receiver:{order.order_id}") if (
        receiver is not None and receiver.encrypted and deps.decrypt is not None) else None
    if not isinstance(plain, Mapping) or not all(plain.get(k) for k in ("name", "phone", "address")):
        raise ValidationError(f"order {order.order_id} has no full receiver to print", field="receiver",
                              reason="waybill.no_receiver")
    return channel, {k: str(plain[k]) for k in ("name", "phone", "address")}
