"""The print-component messages, sent over a real WebSocket to a strict stand-in of each vendor's component."""
from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.sync.client import connect

from chalicelib.domain.platform import Platform
from chalicelib.printing.components import (
    COMPONENTS,
    PrintDocument,
    PrinterList,
    TaskAccepted,
    TaskNotify,
    component_for,
    component_url,
    encode,
    get_printers_message,
    parse_reply,
    print_message,
)
from tests.printing.component_server import running

CAINIAO_TPL = "http://cloudprint.cainiao.com/template/standard/101"
JD_TPL = "https://template-content.jd.com/template-oss?tempCode=jdkd76x130"

# print_data as each platform client stores it in WaybillResult.print_data
PRINT_DATA: dict[Platform, Any] = {
    Platform.TAOBAO: json.dumps({"encryptedData": "AES:x1", "signature": "sig1", "templateURL": CAINIAO_TPL,
                                 "ver": "waybill_print_secret_version_1"}),
    Platform.PDD: json.dumps({"encryptedData": "cGRk", "signature": "c2ln", "ver": "3",
                              "templateUrl": "https://file-link.pinduoduo.com/yunda_std"}),
    Platform.DOUYIN: {"encryptedData": "ZHk=", "signature": "md5sig",
                      "templateURL": "https://lf3-cm.ecombdstatic.com/obj/logistics-davinci/template/zto.xml"},
    Platform.KUAISHOU: {"encryptedData": "a3M=", "signature": "kssig", "key": "kskey",
                        "templateURL": "https://s1.kwaixiaodian.com/kos/nlav10395/zto76.xml"},
    Platform.XHS: {"encryptedData": "eGhz", "signature": "xsig", "templateURL": "https://xhs.example/tpl/sto"},
    Platform.JD: {"wayBillNo": "JDVA00001", "code": "1", "msg": "成功", "perPrintData": "amQtY2lwaGVy"},
    Platform.WECHAT: {"print_info": "eyJld2F5YmlsbCI6IjEifQ=="},
}
CUSTOM = {"nick": "小店", "remark": "易碎"}


def documents(platform: Platform) -> list[PrintDocument]:
    tpl = JD_TPL if platform is Platform.JD else ""
    return [
        PrintDocument("YT1000000001", PRINT_DATA[platform], template_url=tpl),
        PrintDocument("YT1000000002", PRINT_DATA[platform], template_url=tpl,
                      custom_template_url="http://cloudprint.cainiao.com/template/customArea/9", custom_data=CUSTOM),
    ]


def exchange(url: str, message: dict[str, Any], replies: int) -> list[str]:
    with connect(url, open_timeout=3, compression=None) as ws:
        ws.send(encode(message))
        return [str(ws.recv(timeout=3)) for _ in range(replies)]


def answers_per_print(platform: Platform) -> int:
    # Cainiao-style components answer the request and push a notify later; JD and WeChat answer once.
    return 2 if component_for(platform).family == "cainiao" else 1


ALL = list(COMPONENTS)


@pytest.mark.parametrize("platform", ALL)
def test_GIVEN_a_platform_component_WHEN_asking_for_printers_THEN_the_list_is_parsed(platform: Platform) -> None:
    with running(platform.value) as server:
        url = component_url(platform, port=server.port)
        [reply] = exchange(url, get_printers_message(platform, "req-1"), 1)
    parsed = parse_reply(platform, reply)
    assert isinstance(parsed, PrinterList) and parsed.ok
    assert parsed.request_id == "req-1"
    assert [p.name for p in parsed.printers] == ["Deli DL-888D", "HPRT N41"]
    assert parsed.default is not None and parsed.default.name == "Deli DL-888D"


@pytest.mark.parametrize("platform", ALL)
def test_GIVEN_waybills_WHEN_a_print_task_is_sent_THEN_the_component_accepts_it_and_reports_printed(
    platform: Platform,
) -> None:
    message = print_message(platform, "req-2", "task-2", documents(platform), "HPRT N41")
    with running(platform.value) as server:
        replies = exchange(component_url(platform, port=server.port), message, answers_per_print(platform))
        assert server.tasks == [json.loads(encode(message))]
        assert server.refused == []
    accepted = parse_reply(platform, replies[0])
    assert isinstance(accepted, TaskAccepted) and accepted.ok, accepted
    assert accepted.request_id == "req-2"
    if len(replies) == 2:
        notify = parse_reply(platform, replies[1])
        assert isinstance(notify, TaskNotify) and notify.ok
        assert notify.task_id == "task-2" and notify.status == "printed"
        assert [d.document_id for d in notify.documents] == ["YT1000000001", "YT1000000002"]
    if platform is Platform.WECHAT:
        assert [d.document_id for d in accepted.documents] == ["task-2-YT1000000001", "task-2-YT1000000002"]


@pytest.mark.parametrize("platform", ALL)
def test_GIVEN_a_task_with_a_broken_document_WHEN_sent_THEN_the_component_refuses_it(platform: Platform) -> None:
    message = print_message(platform, "req-3", "task-3", documents(platform), "HPRT N41")
    if "task" in message:
        del message["task"]["documents"][0]["documentID"]
    elif "parameters" in message:
        message["parameters"]["contents"][0]["printData"] = 42
    else:
        message["taskList"][0]["printNum"] = {"curNum": 3, "sumNum": 2}
    with running(platform.value) as server:
        [reply] = exchange(component_url(platform, port=server.port), message, 1)
        assert server.tasks == [] and len(server.refused) == 1
    refused = parse_reply(platform, reply)
    assert isinstance(refused, TaskAccepted) and not refused.ok and refused.message


@pytest.mark.parametrize("platform", [Platform.TAOBAO, Platform.JD, Platform.WECHAT])
def test_GIVEN_an_unknown_printer_WHEN_printing_THEN_the_refusal_is_reported(platform: Platform) -> None:
    message = print_message(platform, "req-4", "task-4", documents(platform)[:1], "No Such Printer")
    with running(platform.value) as server:
        [reply] = exchange(component_url(platform, port=server.port), message, 1)
    assert not parse_reply(platform, reply).ok  # type: ignore[union-attr]


@pytest.mark.parametrize("platform", [Platform.DOUYIN, Platform.JD, Platform.WECHAT])
def test_GIVEN_preview_WHEN_sent_THEN_the_component_previews(platform: Platform) -> None:
    message = print_message(platform, "req-5", "task-5", documents(platform)[:1], "Deli DL-888D", preview=True)
    with running(platform.value) as server:
        replies = exchange(component_url(platform, port=server.port), message, answers_per_print(platform))
    accepted = parse_reply(platform, replies[0])
    assert isinstance(accepted, TaskAccepted) and accepted.ok
    if platform is not Platform.WECHAT:
        assert accepted.preview_url.startswith("http://127.0.0.1:")
    if len(replies) == 2:
        notify = parse_reply(platform, replies[1])
        assert isinstance(notify, TaskNotify) and notify.status == "rendered"


def test_GIVEN_the_defaults_THEN_each_platform_points_at_its_vendor_port() -> None:
    ports = {p: component_url(p) for p in COMPONENTS}
    assert ports == {
        Platform.TAOBAO: "ws://127.0.0.1:13528", Platform.PDD: "ws://127.0.0.1:5000",
        Platform.DOUYIN: "ws://127.0.0.1:13888", Platform.KUAISHOU: "ws://127.0.0.1:16888/ks/printer",
        Platform.XHS: "ws://127.0.0.1:10818", Platform.JD: "ws://127.0.0.1:9113",
        Platform.WECHAT: "ws://127.0.0.1:12705",
    }
    assert component_url("kuaishou", host="10.0.0.5", port=7) == "ws://10.0.0.5:7/ks/printer"


def test_GIVEN_kuaishou_WHEN_a_custom_area_is_printed_THEN_it_travels_as_customData() -> None:
    message = print_message(Platform.KUAISHOU, "r", "t", documents(Platform.KUAISHOU), "p")
    custom = message["task"]["documents"][1]["contents"][1]
    assert custom == {"customData": CUSTOM, "templateURL": "http://cloudprint.cainiao.com/template/customArea/9"}
    taobao = print_message(Platform.TAOBAO, "r", "t", documents(Platform.TAOBAO), "p")
    assert taobao["task"]["documents"][1]["contents"][1]["data"] == CUSTOM


def test_GIVEN_wechat_WHEN_building_THEN_the_message_has_the_documented_shape() -> None:
    message = print_message(Platform.WECHAT, "r", "t", documents(Platform.WECHAT)[:1], "p")
    assert message == {"command": "print", "version": "2.0", "requestID": "r", "printType": 1, "printer": "p",
                       "taskList": [{"taskID": "t", "printInfo": "eyJld2F5YmlsbCI6IjEifQ==",
                                     "printNum": {"curNum": 1, "sumNum": 1}}]}


def test_GIVEN_pdd_WHEN_the_component_pushes_PrintResultNotify_THEN_it_reads_as_a_notify() -> None:
    raw = {"cmd": "PrintResultNotify", "taskID": "t", "taskStatus": "failed",
           "printStatus": [{"documentID": "d", "status": "failed", "msg": "缺纸"}]}
    notify = parse_reply(Platform.PDD, raw)
    assert isinstance(notify, TaskNotify) and not notify.ok and notify.documents[0].message == "缺纸"


@pytest.mark.parametrize(("platform", "print_data"), [
    (Platform.TAOBAO, '{"encryptedData": "x", "signature": "y"}'),      # no template anywhere
    (Platform.DOUYIN, {"templateURL": "t"}),                             # no ciphertext
    (Platform.JD, {"wayBillNo": "JD1"}),                                 # no perPrintData
    (Platform.WECHAT, {}),                                               # no print_info
    (Platform.PDD, "not json"),
])
def test_GIVEN_unusable_print_data_WHEN_building_THEN_it_fails_before_sending(
    platform: Platform, print_data: Any
) -> None:
    with pytest.raises(ValueError):
        print_message(platform, "r", "t", [PrintDocument("d", print_data, template_url="" if platform
                                                         is not Platform.JD else JD_TPL)], "p")
