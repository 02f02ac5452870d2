"""JD's print component, protocol version "2" (ws://127.0.0.1:9113, component >= 3.3.2.7).

Request: `{orderType:"PRINT"|"GET_Printers"|"PRE_View", key:<requestID>, version:"2", parameters:{
printName, contents:[{tempUrl, printData, customTempUrl?, customData?}]}}`. Replies are keyed by
`key` and tell the command by `code`: "2" print, "6" printers, "8" preview. Source: gavin-hao/ec-print
(third-party); JD's own protocol page was not available to check against.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chalicelib.printing.messages import OtherReply, PrintDocument, Printer, PrinterList, Reply, TaskAccepted
from chalicelib.services.platform_ports import ComponentSpec

CODE_PRINT, CODE_PRINTERS, CODE_PREVIEW = "2", "6", "8"


def get_printers(spec: ComponentSpec, request_id: str) -> dict[str, Any]:
    return {"orderType": "GET_Printers", "key": request_id, "version": spec.version, "parameters": {}}


def print_task(
    spec: ComponentSpec,
    request_id: str,
    documents: Sequence[PrintDocument],
    printer: str,
    *,
    preview: bool = False,
) -> dict[str, Any]:
    # JD has no task id and no per-document id: one request is one task, answered once under its key.
    return {
        "orderType": "PRE_View" if preview else "PRINT",
        "key": request_id,
        "version": spec.version,
        "parameters": {"printName": printer, "contents": [content(d) for d in documents]},
    }


def content(document: PrintDocument) -> dict[str, Any]:
    data = document.print_data
    if isinstance(data, Mapping) and "printData" in data:
        out = dict(data)
    else:
        # The JD client stores the pullData entry ({wayBillNo, perPrintData, ...}); the component wants
        # only the ciphertext, plus the standard template URL it cannot find by itself.
        cipher = data.get("perPrintData") if isinstance(data, Mapping) else data
        if not isinstance(cipher, str) or not cipher:
            raise ValueError(f"document {document.document_id}: no perPrintData in the JD print data")
        out = {"printData": cipher}
    if not out.get("tempUrl"):
        if not document.template_url:
            raise ValueError(f"document {document.document_id}: JD needs the standard template URL (tempUrl)")
        out["tempUrl"] = document.template_url
    if document.custom_template_url:
        out["customTempUrl"] = document.custom_template_url
        out["customData"] = dict(document.custom_data)
    return out


def parse(raw: Mapping[str, Any]) -> Reply:
    code = str(raw.get("code", ""))
    key = str(raw.get("key", ""))
    ok = str(raw.get("success", "")).lower() == "true"
    message = str(raw.get("message") or "")
    if code == CODE_PRINTERS:
        names = (raw.get("detailinfo") or {}).get("printers") or ()
        return PrinterList(key, tuple(Printer(str(n), str(n), i == 0) for i, n in enumerate(names)), ok, message)
    if code in (CODE_PRINT, CODE_PREVIEW):
        # What a preview answer carries in `content` is not verified; kept as the preview URL.
        preview = str(raw.get("content") or "") if code == CODE_PREVIEW else ""
        return TaskAccepted(key, ok, message, error_code="" if ok else str(raw.get("status") or ""),
                            preview_url=preview)
    return OtherReply(code, raw)
