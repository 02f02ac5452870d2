"""Shared by the clients whose e-waybill calls live in a service object of their own: the key that makes
issuing retry-safe, and the PlatformClient waybill methods that hand over to that service."""
from __future__ import annotations

import hashlib
from typing import Protocol

from chalicelib.services.platform_types import WaybillAccount, WaybillRequest, WaybillResult


def parcel_key(request: WaybillRequest) -> str:
    """Stable per parcel (account and orders), so a retried call returns the same waybill, not a second one."""
    parts = (request.account.account_id, *request.order_nos, *((request.parcel_id,) if request.parcel_id else ()))
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()


class WaybillService(Protocol):
    def accounts(self) -> list[WaybillAccount]: ...
    def get(self, request: WaybillRequest) -> WaybillResult: ...
    def cancel(self, carrier_code: str, waybill_no: str) -> None: ...


class DelegatedWaybills:
    """Mixin: the client's waybill methods are its `waybills` service's."""

    waybills: WaybillService

    def waybill_accounts(self) -> list[WaybillAccount]:
        return self.waybills.accounts()

    def get_waybill(self, request: WaybillRequest) -> WaybillResult:
        return self.waybills.get(request)

    def cancel_waybill(self, carrier_code: str, waybill_no: str) -> None:
        self.waybills.cancel(carrier_code, waybill_no)
