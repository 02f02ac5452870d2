"""Shared by the clients whose refund write-backs live in a service object of their own: the PlatformClient
after-sale actions that hand over to it."""
from __future__ import annotations

from typing import Protocol

from chalicelib.services.platform_types import Address, RejectReason


class RefundActions(Protocol):
    def approve_refund(self, case_id: str) -> None: ...
    def reject_refund(self, case_id: str, reason: RejectReason) -> None: ...
    def approve_return(self, case_id: str, address: Address, contact: str, phone: str) -> None: ...
    def confirm_return_received(self, case_id: str) -> None: ...


class DelegatedRefundActions:
    """Mixin: the client's refund actions are its `refund_actions` service's."""

    refund_actions: RefundActions

    def approve_refund(self, case_id: str) -> None:
        self.refund_actions.approve_refund(case_id)

    def reject_refund(self, case_id: str, reason: RejectReason) -> None:
        self.refund_actions.reject_refund(case_id, reason)

    def approve_return(self, case_id: str, address: Address, contact: str, phone: str) -> None:
        self.refund_actions.approve_return(case_id, address, contact, phone)

    def confirm_return_received(self, case_id: str) -> None:
        self.refund_actions.confirm_return_received(case_id)
