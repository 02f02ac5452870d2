"""The WeChat Channels shop (微信小店) print component, ws://127.0.0.1:12705.

Not Cainiao-style: `command` instead of `cmd`, and one taskList entry per waybill carrying the opaque
`printInfo` string from the e-waybill API (order/create or print/get). Shapes from the official doc page
(ewaybill_printer/print_order); the answer lists one result per task and no later push is documented.
"""
from __future__ import annotations

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
)
from chalicelib.services.platform_ports import ComponentSpec

PRINT_TYPE_LABEL = 1          # fixed-height waybill; 2 is arbitrary base64 HTML and needs `size`


def get_printers(spec: ComponentSpec, request_id: str) -> dict[str, Any]:
    return {"command": "getPrinterList", "requestID": request_id}


def print_task(
    spec: ComponentSpec,
    request_id: str,
    task_id: str,
    documents: Sequence[PrintDocument],
    printer: str,
    *,
    preview: bool = False,
) -> dict[str, Any]:
    total = len(documents)
    tasks = []
    for index, document in enumerate(documents, start=1):
        entry: dict[str, Any] = {
            # WeChat reports per task: make each task id unique within the request and traceable to it.
            "taskID": f"{task_id}-{document.document_id}" if total > 1 else task_id,
            "printInfo": _print_info(document),
            "printNum": {"curNum": index, "sumNum": total},
        }
        if document.custom_template_url:
            entry["customInfo"] = {"templateUrl": document.custom_template_url, "data": dict(document.custom_data)}
        tasks.append(entry)
    # `size` is omitted: the default label is 76x130 mm and printType 1 needs no size.
    return {
        "command": "preview" if preview else "print",
        "version": spec.version,
        "requestID": request_id,
        "printType": PRINT_TYPE_LABEL,
        "printer": printer,
        "taskList": tasks,
    }


def _print_info(document: PrintDocument) -> str:
    data = document.print_data
    info = (data.get("print_info") or data.get("printInfo")) if isinstance(data, Mapping) else data
    if not isinstance(info, str) or not info:
        raise ValueError(f"document {document.document_id}: no print_info in the WeChat print data")
    return info


def parse(raw: Mapping[str, Any]) -> Reply:
    command = str(raw.get("command", ""))
    request_id = str(raw.get("requestID", ""))
    if command == "getPrinterList":
        printers = tuple(
            Printer(str(p.get("name", "")), str(p.get("displayName") or p.get("name", "")), i == 0)
            for i, p in enumerate(raw.get("printerList") or ()) if isinstance(p, Mapping)
        )
        return PrinterList(request_id, printers)
    if command in ("print", "preview"):
        results = tuple(
            DocumentStatus(str(r.get("taskID", "")), bool(r.get("success")), str(r.get("failureReason") or ""),
                           str(r.get("ewaybillOrderID") or ""))
            for r in raw.get("results") or () if isinstance(r, Mapping)
        )
        ok = bool(results) and all(r.ok for r in results)
        message = "; ".join(r.message for r in results if r.message)
        return TaskAccepted(request_id, ok, message, documents=results)
    return OtherReply(command, raw)
