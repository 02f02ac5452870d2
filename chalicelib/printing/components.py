"""The platforms' local print components (电子面单打印组件): where they listen and the messages they take.

Printing stays client-side: the OMS cannot reach 127.0.0.1 on the operator's machine, so the API hands
these messages to the admin UI, which opens the WebSocket and forwards them. Every function here is
pure: it builds or reads JSON-ready dicts and never opens a socket.

Three protocol families exist (see the modules named after them):
- Cainiao-style `{cmd, requestID, version:"1.0", task:{documents:[{contents}]}}`: Taobao (Cainiao),
  PDD, Douyin, Kuaishou, Xiaohongshu, each with small differences kept in ComponentSpec;
- JD's `{orderType, key, version:"2", parameters:{printName, contents}}`;
- WeChat's `{command, version:"2.0", taskList:[{taskID, printInfo, printNum}]}`.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from chalicelib.domain.platform import Platform
from chalicelib.platforms import registry
from chalicelib.printing import cainiao_style, jd_style, wechat_style
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
from chalicelib.services.platform_ports import ComponentSpec, Family

__all__ = [
    "COMPONENTS", "XHS_LEGACY_URL", "ComponentSpec", "DocumentStatus", "Family", "OtherReply", "PrintDocument",
    "Printer", "PrinterList", "Reply", "TaskAccepted", "TaskNotify", "component_for", "component_url", "encode",
    "get_printers_message", "new_request_id", "parse_reply", "print_message",
]


# Each platform's component is declared in its spec (chalicelib/platforms/<p>/spec.py).
COMPONENTS: Mapping[Platform, ComponentSpec] = {spec.platform: spec.print_component for spec in registry.specs()}

XHS_LEGACY_URL = "ws://127.0.0.1:14528"


def component_for(platform: Platform | str) -> ComponentSpec:
    try:
        return COMPONENTS[Platform(platform)]
    except (KeyError, ValueError):
        raise ValueError(f"no print component for platform {platform!r}") from None


def component_url(platform: Platform | str, *, host: str = "", port: int = 0) -> str:
    """The default URL, optionally pointed elsewhere (a test component, a remote print box); the path stays."""
    parts = urlsplit(component_for(platform).url)
    netloc = f"{host or parts.hostname}:{port or parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def new_request_id() -> str:
    return uuid.uuid4().hex


def encode(message: Mapping[str, Any]) -> str:
    """Components read UTF-8 JSON text frames; keep Chinese unescaped as the vendors' own clients do."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- dispatch
def get_printers_message(platform: Platform | str, request_id: str) -> dict[str, Any]:
    spec = component_for(platform)
    if spec.family is Family.JD:
        return jd_style.get_printers(spec, request_id)
    if spec.family is Family.WECHAT:
        return wechat_style.get_printers(spec, request_id)
    return cainiao_style.get_printers(spec, request_id)


def print_message(
    platform: Platform | str,
    request_id: str,
    task_id: str,
    documents: Sequence[PrintDocument],
    printer: str,
    *,
    preview: bool = False,
) -> dict[str, Any]:
    """One print (or preview) request holding every document; `printer` is a name from the printer list."""
    if not documents:
        raise ValueError("a print task needs at least one document")
    spec = component_for(platform)
    if spec.family is Family.JD:
        return jd_style.print_task(spec, request_id, documents, printer, preview=preview)
    if spec.family is Family.WECHAT:
        return wechat_style.print_task(spec, request_id, task_id, documents, printer, preview=preview)
    return cainiao_style.print_task(spec, request_id, task_id, documents, printer, preview=preview)


def parse_reply(platform: Platform | str, message: str | bytes | Mapping[str, Any]) -> Reply:
    spec = component_for(platform)
    raw = json.loads(message) if isinstance(message, str | bytes) else message
    if not isinstance(raw, Mapping):
        raise ValueError("a component reply is a JSON object")
    if spec.family is Family.JD:
        return jd_style.parse(raw)
    if spec.family is Family.WECHAT:
        return wechat_style.parse(raw)
    return cainiao_style.parse(spec, raw)

