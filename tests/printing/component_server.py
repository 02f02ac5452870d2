"""A stand-in for a platform's local print component: a real WebSocket server on 127.0.0.1.

It speaks one platform's protocol, checks every request strictly against what the references describe
(docs: shared/reference platforms-*.md, print component sections), answers as the vendor's component
does, and records what it accepted. It deliberately shares no code with chalicelib.printing, so that a
mistake in the builders cannot hide in the checks too. Error codes and refusal texts are the fake's
own: the vendors' are not documented.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from websockets.sync.server import Server, ServerConnection, serve


class Refused(Exception):
    pass


@dataclass(frozen=True)
class Protocol:
    family: str                       # "cainiao" | "jd" | "wechat"
    path: str = "/"
    notify_cmd: str = "notifyPrintResult"
    custom_key: str = "data"
    template_keys: tuple[str, ...] = ("templateURL",)
    encrypted_only: bool = False      # standard content must be encryptedData + signature
    opaque_content: bool = False      # shape of the standard content not documented: any non-empty object


PROTOCOLS: dict[str, Protocol] = {
    "taobao": Protocol("cainiao"),
    "pdd": Protocol("cainiao", notify_cmd="PrintResultNotify", template_keys=("templateURL", "templateUrl")),
    "douyin": Protocol("cainiao", encrypted_only=True),
    "kuaishou": Protocol("cainiao", path="/ks/printer", custom_key="customData", encrypted_only=True),
    "xhs": Protocol("cainiao", opaque_content=True),
    "jd": Protocol("jd"),
    "wechat": Protocol("wechat"),
}


@dataclass
class ComponentServer:
    platform: str
    printers: tuple[str, ...] = ("Deli DL-888D", "HPRT N41")
    notify_delay: float = 0.01
    tasks: list[dict[str, Any]] = field(default_factory=list)
    refused: list[tuple[Any, str]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def protocol(self) -> Protocol:
        return PROTOCOLS[self.platform]

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{self.protocol.path}"

    # ------------------------------------------------------------ connection
    def handle(self, connection: ServerConnection) -> None:
        path = connection.request.path if connection.request else ""
        self.paths.append(path)
        if path != self.protocol.path:
            # the real component's answer to a wrong path is unknown; closing is the safe stand-in
            connection.close(1008, "unknown path")
            return
        for frame in connection:
            try:
                raw = json.loads(frame)
                if not isinstance(raw, dict):
                    raise Refused("message is not a JSON object")
            except (ValueError, Refused) as exc:
                self.refused.append((frame, str(exc)))
                connection.send(json.dumps(self.failure({}, str(exc)), ensure_ascii=False))
                continue
            replies = self.answer(raw)
            for index, reply in enumerate(replies):
                if index:
                    time.sleep(self.notify_delay)
                connection.send(json.dumps(reply, ensure_ascii=False))

    def answer(self, raw: dict[str, Any]) -> list[dict[str, Any]]:
        checks: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
            "cainiao": self.cainiao, "jd": self.jd, "wechat": self.wechat,
        }
        try:
            return checks[self.protocol.family](raw)
        except Refused as exc:
            self.refused.append((raw, str(exc)))
            return [self.failure(raw, str(exc))]

    def failure(self, raw: dict[str, Any], reason: str) -> dict[str, Any]:
        family = self.protocol.family
        if family == "jd":
            code = {"GET_Printers": "6", "PRE_View": "8"}.get(str(raw.get("orderType")), "2")
            return {"code": code, "success": "false", "message": reason, "key": raw.get("key", ""),
                    "content": "", "status": "PARAM_ERROR"}
        if family == "wechat":
            return {"command": raw.get("command", ""), "requestID": raw.get("requestID", ""),
                    "results": [{"taskID": "", "success": False, "failureReason": reason}]}
        return {"cmd": raw.get("cmd", ""), "requestID": raw.get("requestID", ""), "status": "failed",
                "msg": reason, "errorCode": "PARAM_ERROR"}

    # ------------------------------------------------------------ Cainiao family
    def cainiao(self, raw: dict[str, Any]) -> list[dict[str, Any]]:
        cmd = _text(raw, "cmd")
        rid = _text(raw, "requestID")
        if raw.get("version") != "1.0":
            raise Refused("version must be \"1.0\"")
        if cmd == "getPrinters":
            return [{"cmd": cmd, "requestID": rid, "status": "success", "msg": "", "defaultPrinter": self.printers[0],
                     "printers": [{"name": p, "status": "enable", "type": "local"} for p in self.printers]}]
        if cmd != "print":
            raise Refused(f"unknown cmd {cmd}")
        task = _object(raw, "task")
        task_id = _text(task, "taskID")
        preview = task.get("preview")
        if not isinstance(preview, bool):
            raise Refused("task.preview must be a boolean")
        printer = task.get("printer")
        if not isinstance(printer, str) or (printer and printer not in self.printers):
            raise Refused(f"printer {printer!r} not found")
        if "previewType" in task and task["previewType"] not in ("pdf", "image"):
            raise Refused("task.previewType must be pdf or image")
        documents = _list(task, "documents")
        seen: set[str] = set()
        for doc in documents:
            if not isinstance(doc, dict):
                raise Refused("documents[] must be objects")
            doc_id = _text(doc, "documentID")
            if doc_id in seen:
                raise Refused(f"duplicate documentID {doc_id}")
            seen.add(doc_id)
            contents = _list(doc, "contents")
            self.standard_content(contents[0])
            for custom in contents[1:]:
                self.custom_content(custom)
        self.tasks.append(raw)
        ack: dict[str, Any] = {"cmd": "print", "requestID": rid, "taskID": task_id, "status": "success", "msg": ""}
        if preview:
            ack["previewURL"] = f"http://127.0.0.1:{self.port}/preview/{task_id}.{task.get('previewType', 'pdf')}"
        notify = {"cmd": self.protocol.notify_cmd, "requestID": rid, "printer": printer or self.printers[0],
                  "taskID": task_id, "taskStatus": "rendered" if preview else "printed",
                  "printStatus": [{"documentID": d["documentID"], "status": "success", "msg": "", "detail": ""}
                                  for d in documents]}
        return [ack, notify]

    def standard_content(self, content: Any) -> None:
        if not isinstance(content, dict) or not content:
            raise Refused("contents[0] must be the platform's print data object")
        if self.protocol.opaque_content:
            return
        if not any(isinstance(content.get(k), str) and content[k] for k in self.protocol.template_keys):
            raise Refused("contents[0] has no templateURL")
        encrypted = isinstance(content.get("encryptedData"), str) and isinstance(content.get("signature"), str)
        plain = isinstance(content.get("data"), dict)
        if not encrypted and (self.protocol.encrypted_only or not plain):
            raise Refused("contents[0] needs encryptedData and signature" + ("" if self.protocol.encrypted_only
                                                                              else ", or data"))

    def custom_content(self, content: Any) -> None:
        if not isinstance(content, dict):
            raise Refused("custom content must be an object")
        _text(content, "templateURL")
        if not isinstance(content.get(self.protocol.custom_key), dict):
            raise Refused(f"custom content needs an object under {self.protocol.custom_key}")

    # ------------------------------------------------------------ JD
    def jd(self, raw: dict[str, Any]) -> list[dict[str, Any]]:
        order_type = _text(raw, "orderType")
        key = _text(raw, "key")
        if raw.get("version") != "2":
            raise Refused("version must be \"2\"")
        parameters = _object(raw, "parameters")
        if order_type == "GET_Printers":
            return [{"code": "6", "success": "true", "message": "获取打印机列表成功", "key": key, "content": "",
                     "status": "", "detailinfo": {"printers": list(self.printers)}}]
        if order_type not in ("PRINT", "PRE_View"):
            raise Refused(f"unknown orderType {order_type}")
        printer = _text(parameters, "printName")
        if printer not in self.printers:
            raise Refused(f"printer {printer!r} not found")
        for content in _list(parameters, "contents"):
            if not isinstance(content, dict):
                raise Refused("contents[] must be objects")
            _text(content, "tempUrl")
            _text(content, "printData")
            if "customTempUrl" in content:
                _text(content, "customTempUrl")
                _object(content, "customData")
        self.tasks.append(raw)
        if order_type == "PRE_View":
            return [{"code": "8", "success": "true", "message": "预览成功", "key": key,
                     "content": f"http://127.0.0.1:{self.port}/preview/{key}.pdf", "status": ""}]
        return [{"code": "2", "success": "true", "message": "打印成功", "key": key, "content": "", "status": ""}]

    # ------------------------------------------------------------ WeChat
    def wechat(self, raw: dict[str, Any]) -> list[dict[str, Any]]:
        command = _text(raw, "command")
        rid = _text(raw, "requestID")
        if command == "getPrinterList":
            return [{"command": command, "requestID": rid,
                     "printerList": [{"name": p, "displayName": p} for p in self.printers]}]
        if command not in ("print", "preview"):
            raise Refused(f"unknown command {command}")
        if raw.get("version") != "2.0":
            raise Refused("version must be \"2.0\"")
        print_type = raw.get("printType")
        if type(print_type) is not int or print_type not in (1, 2):
            raise Refused("printType must be 1 or 2")
        if print_type == 2:
            size = _object(raw, "size")
            if not all(isinstance(size.get(k), int | float) for k in ("width", "height")):
                raise Refused("size needs width and height")
        if _text(raw, "printer") not in self.printers:
            raise Refused(f"printer {raw['printer']!r} not found")
        seen: set[str] = set()
        for task in _list(raw, "taskList"):
            if not isinstance(task, dict):
                raise Refused("taskList[] must be objects")
            task_id = _text(task, "taskID")
            if task_id in seen:
                raise Refused(f"duplicate taskID {task_id}")
            seen.add(task_id)
            _text(task, "printInfo")
            num = _object(task, "printNum")
            cur, total = num.get("curNum"), num.get("sumNum")
            if type(cur) is not int or type(total) is not int or not 1 <= cur <= total:
                raise Refused("printNum needs integers 1 <= curNum <= sumNum")
        self.tasks.append(raw)
        # The fake cannot open printInfo, so it cannot tell the ewaybill order id the real one reports.
        return [{"command": command, "requestID": rid,
                 "results": [{"taskID": t["taskID"], "ewaybillOrderID": "", "success": True, "failureReason": ""}
                             for t in raw["taskList"]]}]


def _text(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise Refused(f"{key} must be a non-empty string")
    return value


def _object(obj: dict[str, Any], key: str) -> dict[str, Any]:
    value = obj.get(key)
    if not isinstance(value, dict):
        raise Refused(f"{key} must be an object")
    return value


def _list(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    if not isinstance(value, list) or not value:
        raise Refused(f"{key} must be a non-empty array")
    return value


@contextmanager
def running(platform: str, **options: Any) -> Iterator[ComponentServer]:
    component = ComponentServer(platform, **options)
    server: Server = serve(component.handle, "127.0.0.1", 0, compression=None)
    component.port = server.socket.getsockname()[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield component
    finally:
        server.shutdown()
        thread.join(timeout=5)
