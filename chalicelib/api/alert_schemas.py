"""The alerts admin API's bodies (pydantic, at the edge; unknown fields refused). Secrets are write-only:
no answer carries one."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.alerts import EVENT_TYPES

EventName = Literal[EVENT_TYPES]  # type: ignore[valid-type]   # the event vocabulary, one source


class ChannelBody(BaseModel):
    kind: Literal["dingtalk", "wecom", "feishu"]
    name: str = Field(min_length=1, max_length=60)
    webhook_url: str = Field(min_length=1, max_length=500)
    secret: str = Field(default="", max_length=200, description="DingTalk (SEC...) or Feishu signing secret")
    events: list[EventName] = Field(default_factory=list, max_length=20, description="empty: every event")
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "kind": "dingtalk", "name": "运营群", "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "secret": "SECfake-not-real", "events": ["shop.reauth_needed"]}]})


class ChannelPatchBody(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=60)
    webhook_url: str | None = Field(default=None, min_length=1, max_length=500)
    secret: str | None = Field(default=None, max_length=200, description="empty or absent: keep the stored one")
    events: list[EventName] | None = Field(default=None, max_length=20)
    active: bool | None = None
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"events": [], "active": True}]})


class QuietBody(BaseModel):
    enabled: bool
    start: str = Field(default="23:00", pattern=r"^\d{2}:\d{2}$", description="HH:MM, China time")
    end: str = Field(default="08:00", pattern=r"^\d{2}:\d{2}$")
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"enabled": True, "start": "23:00", "end": "08:00"}]})
