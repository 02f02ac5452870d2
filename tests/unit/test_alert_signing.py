"""The bots' signatures against fixed vectors (computed independently with openssl, see each test) and the
request shapes the vendors document."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from chalicelib.domain.alerts import ChannelKind
from chalicelib.services.alert_signing import bot_accepted, bot_request, dingtalk_sign, feishu_sign

SECRET = "SECfake0123456789not-a-real-secret"


def test_GIVEN_the_dingtalk_recipe_WHEN_signing_a_fixed_timestamp_THEN_the_vector_matches() -> None:
    # printf '1700000000000\nSECfake0123456789not-a-real-secret' |
    #   openssl dgst -sha256 -hmac 'SECfake0123456789not-a-real-secret' -binary | base64
    assert dingtalk_sign(SECRET, 1700000000000) == DINGTALK_VECTOR


def test_GIVEN_the_feishu_recipe_WHEN_signing_a_fixed_timestamp_THEN_the_vector_matches() -> None:
    # printf '' | openssl dgst -sha256 -hmac "$(printf '1700000000\nSECfake0123456789not-a-real-secret')" \
    #   -binary | base64
    assert feishu_sign(SECRET, 1700000000) == FEISHU_VECTOR


def test_GIVEN_a_dingtalk_channel_WHEN_a_request_is_built_THEN_timestamp_and_url_encoded_sign_ride_on_the_url() -> None:
    now = datetime.fromtimestamp(1700000000, tz=UTC)
    request = bot_request(ChannelKind.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=t0k", SECRET,
                          "你好", now)
    query = parse_qs(urlsplit(request.url).query)
    assert query == {"access_token": ["t0k"], "timestamp": ["1700000000000"], "sign": [DINGTALK_VECTOR]}
    assert "%2B" in request.url or "%2F" in request.url or "%3D" in request.url     # the sign is URL-encoded
    assert json.loads(request.body) == {"msgtype": "text", "text": {"content": "你好"}}


def test_GIVEN_a_feishu_channel_WHEN_a_request_is_built_THEN_the_body_carries_timestamp_seconds_and_sign() -> None:
    now = datetime.fromtimestamp(1700000000, tz=UTC)
    request = bot_request(ChannelKind.FEISHU, "https://open.feishu.cn/open-apis/bot/v2/hook/abc", SECRET, "hi", now)
    assert json.loads(request.body) == {"timestamp": "1700000000", "sign": FEISHU_VECTOR, "msg_type": "text",
                                        "content": {"text": "hi"}}


def test_GIVEN_a_wecom_channel_WHEN_a_request_is_built_THEN_nothing_is_signed() -> None:
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1"
    request = bot_request(ChannelKind.WECOM, url, "", "hi", datetime.now(UTC))
    assert request.url == url and json.loads(request.body) == {"msgtype": "text", "text": {"content": "hi"}}


def test_GIVEN_bot_answers_WHEN_read_THEN_only_code_zero_is_accepted() -> None:
    assert bot_accepted(ChannelKind.DINGTALK, 200, '{"errcode":0,"errmsg":"ok"}') == (True, "")
    assert bot_accepted(ChannelKind.DINGTALK, 200, '{"errcode":310000,"errmsg":"sign not match"}')[0] is False
    assert bot_accepted(ChannelKind.FEISHU, 200, '{"code":19021,"msg":"sign match fail"}')[0] is False
    assert bot_accepted(ChannelKind.FEISHU, 200, '{"StatusCode":0,"code":0,"msg":"success"}')[0] is True
    assert bot_accepted(ChannelKind.WECOM, 200, '{"errcode":93000,"errmsg":"invalid webhook url"}')[0] is False
    assert bot_accepted(ChannelKind.WECOM, 502, "bad gateway")[0] is False
    assert bot_accepted(ChannelKind.WECOM, 200, "<html>")[0] is False


DINGTALK_VECTOR = "rO8F3jfkLWZL9aTi4ZuckO3RSlkLX9jWrFyE1tsyUUA="
FEISHU_VECTOR = "7OsahNtzmudYkku4L/DtwnWpBzWDFasNAdsvZHeQHpc="
