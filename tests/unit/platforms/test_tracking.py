"""The shared trace helpers and each platform's trace parser: states mapped, events newest first, times aware."""
from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.platforms.jd import trace as jd_trace
from chalicelib.platforms.tracking import parse_time, rows_to_tracking, state_of
from chalicelib.platforms.xhs import trace as xhs_trace
from chalicelib.services.platform_errors import BadRequestError, NotAllowedError
from chalicelib.services.platform_types import SHANGHAI


@pytest.mark.parametrize(("text", "state"), [
    ("快件已签收，签收人：本人", "delivered"), ("已妥投", "delivered"), ("快件异常：收件人拒收，退回中", "exception"),
    ("快件已发往转运中心，运输中", "in_transit"), ("Delivered", "delivered"),
])
def test_given_a_route_text_then_its_state_is_read_from_the_words(text: str, state: str) -> None:
    assert state_of(text) == state


@pytest.mark.parametrize("value", ["2026-11-20 12:00:05", "2026/11/20 12:00:05", "2026-11-20T12:00:05+08:00",
                                   "1795147205", "1795147205000"])
def test_given_each_trace_time_format_then_one_aware_shanghai_time(value: str) -> None:
    assert parse_time(value) == datetime(2026, 11, 20, 12, 0, 5, tzinfo=SHANGHAI)


def test_given_rows_oldest_first_then_events_newest_first_and_state_from_the_newest() -> None:
    rows = [{"t": "2026-11-20 10:00:00", "d": "已揽收"}, {"t": "2026-11-20 18:00:00", "d": "已签收"},
            {"t": "2026-11-20 12:00:00", "d": "运输中"}, {"t": "", "d": "no time: dropped"}]
    got = rows_to_tracking("ZTO", "W1", rows, "t", "d")
    assert [e.description for e in got.events] == ["已签收", "运输中", "已揽收"] and got.state == "delivered"


def test_given_no_rows_then_unknown() -> None:
    assert rows_to_tracking("ZTO", "W1", [], "t", "d").state == "unknown"


# ---------------------------------------------------------------- JD: jingdong.ldop.receive.trace.get
def test_given_a_jd_route_then_parsed_newest_first() -> None:
    body = {"querytrace_result": {"code": 100, "messsage": "成功", "data": [
        {"opeTitle": "揽收", "opeRemark": "快件已揽收", "opeTime": "2026/11/20 10:00:00", "waybillCode": "JDV1"},
        {"opeTitle": "妥投", "opeRemark": "快件已签收", "opeTime": "2026/11/21 09:00:00", "waybillCode": "JDV1"}]}}
    got = jd_trace.parse("2087", "JDV1", body)
    assert got.state == "delivered" and got.events[0].at == datetime(2026, 11, 21, 9, tzinfo=SHANGHAI)


def test_given_jd_has_no_route_yet_then_unknown_and_a_refusal_raises() -> None:
    assert jd_trace.parse("2087", "JDV1", {"querytrace_result": {"code": 101}}).state == "unknown"
    with pytest.raises(BadRequestError):
        jd_trace.parse("2087", "JDV1", {"querytrace_result": {"code": 102, "messsage": "商家编码不符"}})


def test_given_a_non_jd_express_parcel_or_no_customer_code_then_jd_offers_no_tracking() -> None:
    with pytest.raises(NotAllowedError, match="offers no tracking"):
        jd_trace.request_params("1499", "75000001", "010K1")
    with pytest.raises(NotAllowedError):
        jd_trace.request_params("2087", "JDV1", "")
    assert jd_trace.request_params("2087", "JDV1", "010K1") == {"customerCode": "010K1", "waybillCode": "JDV1"}


# ---------------------------------------------------------------- xhs: order.getOrderTracking
def _xhs(status: str, waybill: str = "ZT1") -> dict:
    return {"orderTrackInfos": [
        {"expressNo": "OTHER", "currentStatusDesc": "已签收", "records": []},
        {"expressNo": waybill, "expressCompanyCode": "zhongtong", "currentStatusDesc": status, "records": [
            {"eventAt": "1795147205000", "eventDesc": "运输中", "trackingStatus": 6020},
            {"eventAt": "1795140005000", "eventDesc": "已揽收", "trackingStatus": 6020}]}]}


@pytest.mark.parametrize(("status", "state"), [("已签收", "delivered"), ("已完成", "delivered"),
                                               ("取消发货", "exception"), ("已关闭", "exception"),
                                               ("运输中", "in_transit"), ("已揽件", "in_transit")])
def test_given_xhs_current_status_then_its_verdict_decides(status: str, state: str) -> None:
    got = xhs_trace.tracking("zhongtong", "ZT1", _xhs(status))
    assert got.state == state and [e.description for e in got.events] == ["运输中", "已揽收"]


def test_given_xhs_lists_no_such_parcel_then_unknown() -> None:
    assert xhs_trace.tracking("zhongtong", "NOPE", _xhs("运输中")).state == "unknown"
