"""Waybills for orders that are not the waybill platform's own (手工订单 on an offline shop, #22 item 3). Some
waybill APIs take an order of another channel with a plaintext receiver (the request names the channel), others
take only the platform's own order ids. The per-platform answer, with where it comes from, is the README's
per-platform table; this is what the OMS builds on."""
from __future__ import annotations

from chalicelib.domain.errors import ValidationError

# the waybill account's platform -> the channel code its waybill API takes for an order of another channel
OTHER_CHANNEL = {
    "taobao": "OTHERS",     # cainiao.waybill.ii.get: order_info.order_channels_type
    "pdd": "OTHERS",        # pdd.waybill.get: order_info.order_channels_type ("PDD", "TB", "JD", ...)
}


def other_channel_code(platform: str) -> str:
    code = OTHER_CHANNEL.get(platform)
    if code is None:
        raise ValidationError(f"{platform}'s waybill API takes only its own orders: choose an account of "
                              f"{' or '.join(sorted(OTHER_CHANNEL))}", field="account_shop_id",
                              reason="waybill.own_orders_only")
    return code
