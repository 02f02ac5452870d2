"""The shapes the print-component protocols share: what a caller asks to print, what a component answers."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


# ---------------------------------------------------------------- what callers give
@dataclass(frozen=True)
class PrintDocument:
    """One waybill to print. print_data is WaybillResult.print_data as the platform returned it."""
    document_id: str                          # the waybill no. by convention; echoed in the notify
    print_data: Mapping[str, Any] | str
    template_url: str = ""                    # standard template, where print_data does not carry one
    custom_template_url: str = ""             # seller's custom area (自定义区), optional
    custom_data: Mapping[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- what components answer
@dataclass(frozen=True)
class Printer:
    name: str
    display_name: str = ""
    is_default: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class PrinterList:
    request_id: str
    printers: tuple[Printer, ...]
    ok: bool = True
    message: str = ""

    @property
    def default(self) -> Printer | None:
        return next((p for p in self.printers if p.is_default), self.printers[0] if self.printers else None)


@dataclass(frozen=True)
class DocumentStatus:
    document_id: str                          # WeChat: the taskID of one taskList entry
    ok: bool
    message: str = ""
    waybill_id: str = ""                      # WeChat: ewaybillOrderID


@dataclass(frozen=True)
class TaskAccepted:
    """The direct answer to a print/preview request: accepted (or refused) by the component."""
    request_id: str
    ok: bool
    message: str = ""
    task_id: str = ""
    error_code: str = ""
    preview_url: str = ""
    documents: tuple[DocumentStatus, ...] = ()   # WeChat answers per task in the same reply


@dataclass(frozen=True)
class TaskNotify:
    """The later push once the printer has rendered or printed (or failed)."""
    task_id: str
    status: str                               # "printed" | "rendered" | "failed" (the component's word)
    printer: str = ""
    documents: tuple[DocumentStatus, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status != "failed" and all(d.ok for d in self.documents)


@dataclass(frozen=True)
class OtherReply:
    command: str
    raw: Mapping[str, Any]


Reply = PrinterList | TaskAccepted | TaskNotify | OtherReply
