"""The Cainiao print protocol (docId=107014) and the components that copy it: PDD, Douyin, Kuaishou, XHS.

Request: `{cmd, requestID, version:"1.0", task:{taskID, preview, printer, previewType, documents:[
{documentID, contents:[<standard content>, <custom area>?]}]}}`. The standard content is the platform's
print data object as its waybill API returned it (encryptedData/signature/templateURL/ver, or
plain `data` + templateURL); the optional second content is the seller's custom area.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from chalicelib.printing.messages import (
    DocumentStatus,
    OtherReply,
    PrintDocument,
    Printer,
    PrinterList,
    Reply,
    TaskAccepted,
    TaskNotify,
)
from chalicelib.services.platform_ports import ComponentSpec

# PDD's print_data spells it templateUrl (seen in its waybill API output); the others templateURL.
TEMPLATE_KEYS = ("templateURL", "templateUrl")
FAILED = frozenset({"failed", "fail", "error"})


def get_printers(spec: ComponentSpec, request_id: str) -> dict[str, Any]:
    return {"cmd": "getPrinters", "requestID": request_id, "version": spec.version}


def print_task(
    spec: ComponentSpec,
    request_id: str,
    task_id: str,
    documents: Sequence[PrintDocument],
    printer: str,
    *,
    preview: bool = False,
) -> dict[str, Any]:
    task: dict[str, Any] = {
        "taskID": task_id,
        "preview": preview,
        "printer": printer,
        "previewType": spec.preview_type,
        "documents": [{"documentID": d.document_id, "contents": contents(spec, d)} for d in documents],
    }
    if spec.notify_types:
        task["notifyType"] = list(spec.notify_types)
    return {"cmd": "print", "requestID": request_id, "version": spec.version, "task": task}


def contents(spec: ComponentSpec, document: PrintDocument) -> list[dict[str, Any]]:
    standard = _print_object(document.print_data)
    if not any(standard.get(key) for key in TEMPLATE_KEYS) and document.template_url:
        standard["templateURL"] = document.template_url
    if not spec.known_content:
        return [standard, *_custom(spec, document)]
    if not any(standard.get(key) for key in TEMPLATE_KEYS):
        raise ValueError(f"document {document.document_id}: print data carries no template URL; pass one")
    if not isinstance(standard.get("encryptedData"), str) and not isinstance(standard.get("data"), Mapping):
        raise ValueError(f"document {document.document_id}: print data has neither encryptedData nor data")
    return [standard, *_custom(spec, document)]


def _custom(spec: ComponentSpec, document: PrintDocument) -> list[dict[str, Any]]:
    if not document.custom_template_url:
        return []
    # Kuaishou's component reads the custom area from customData, the others from data.
    return [{spec.custom_data_key: dict(document.custom_data), "templateURL": document.custom_template_url}]


def _print_object(print_data: Mapping[str, Any] | str) -> dict[str, Any]:
    if isinstance(print_data, Mapping):
        return dict(print_data)
    try:
        parsed = json.loads(print_data)
    except ValueError:
        raise ValueError("print data is neither an object nor a JSON object string") from None
    if not isinstance(parsed, dict):
        raise ValueError("print data is neither an object nor a JSON object string")
    return parsed


def parse(spec: ComponentSpec, raw: Mapping[str, Any]) -> Reply:
    cmd = str(raw.get("cmd", ""))
    request_id = str(raw.get("requestID", ""))
    message = str(raw.get("msg") or "")
    # ec-print treats a reply without status as a success; the Cainiao doc always sends one.
    ok = str(raw.get("status", "success")) not in FAILED
    if cmd == "getPrinters":
        default = str(raw.get("defaultPrinter") or "")
        return PrinterList(request_id, tuple(_printer(p, default) for p in raw.get("printers") or ()), ok, message)
    if cmd == "print":
        return TaskAccepted(
            request_id, ok, message, task_id=str(raw.get("taskID") or ""),
            error_code=str(raw.get("errorCode") or ""), preview_url=str(raw.get("previewURL") or ""),
        )
    if cmd in spec.notify_cmds or cmd in {"notifyPrintResult", "rendered"}:
        status = str(raw.get("taskStatus") or ("rendered" if cmd == "rendered" else ""))
        docs = tuple(
            DocumentStatus(str(d.get("documentID", "")), str(d.get("status", "")) not in FAILED,
                           str(d.get("msg") or d.get("detail") or ""))
            for d in raw.get("printStatus") or () if isinstance(d, Mapping)
        )
        return TaskNotify(str(raw.get("taskID", "")), status, str(raw.get("printer") or ""), docs)
    return OtherReply(cmd, raw)


def _printer(entry: Any, default: str) -> Printer:
    if isinstance(entry, Mapping):
        name = str(entry.get("name", ""))
        status = str(entry.get("status", "enable"))
        return Printer(name, str(entry.get("displayName") or name), name == default, status == "enable")
    return Printer(str(entry), str(entry), str(entry) == default)
