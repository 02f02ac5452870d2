"""E-waybills (issue 9): accounts, waybills and what taking one needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import bootstrap
from chalicelib.bootstrap.registry import _get

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.services.waybill_ports import WaybillAccountRepository, WaybillDeps, WaybillRepository

__all__ = ["waybill_accounts", "waybill_deps", "waybills"]


def waybill_accounts() -> WaybillAccountRepository:
    def build() -> WaybillAccountRepository:
        from chalicelib.storage.waybills import DynamoWaybillAccountRepository

        return DynamoWaybillAccountRepository()

    return _get("waybill_accounts", build)


def waybills() -> WaybillRepository:
    def build() -> WaybillRepository:
        from chalicelib.storage.waybills import DynamoWaybillRepository

        return DynamoWaybillRepository()

    return _get("waybills", build)


def waybill_deps() -> WaybillDeps:
    from chalicelib.services.waybills import WaybillDeps

    def decrypt(blob: str, context: str) -> Any:  # a manual order's receiver, typed by the seller
        return bootstrap.shops().envelope.decrypt(blob, context)  # type: ignore[attr-defined]  # opened only then

    return WaybillDeps(
        orders=bootstrap.orders(),
        shops=bootstrap.shops(),
        accounts=waybill_accounts(),
        waybills=waybills(),
        clients=bootstrap.clients(),
        clock=bootstrap.clock(),
        platforms=bootstrap.platforms(),
        shipments=bootstrap.shipment_deps(),
        fulfilments=bootstrap.fulfilments(),
        decrypt=decrypt,
    )
