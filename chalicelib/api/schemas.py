"""Request and response bodies of the admin API (pydantic, at the edge only). Imported inside the
handlers: pydantic costs ~70 ms of cold start that /health should not pay."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.users import Role


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LoginBody(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class PasswordChangeBody(Body):
    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class NewUserBody(Body):
    username: str = Field(pattern=r"^[a-zA-Z0-9_.-]{3,64}$")
    password: str = Field(min_length=1, max_length=256)
    role: Role
    supplier_id: str = Field(default="", max_length=64)     # role supplier: the supplier it acts for


class UserPatchBody(Body):
    role: Role | None = None
    supplier_id: str | None = Field(default=None, max_length=64)
    active: bool | None = None


class MemoBody(Body):
    memo: str = Field(max_length=500)
    flag: int = Field(default=0, ge=0, le=5)


class HoldBody(Body):
    # every hold reason: the service answers a system one with its own reason code (hold.system_set /
    # hold.system_released), which the UI translates, not with the pattern's raw validation message
    reason: str = Field(pattern=r"^(manual_hold|address_issue|buyer_message|unlinked_sku|refund_requested"
                                r"|out_of_stock|presale_waiting)$")
    note: str = Field(default="", max_length=200)


class CancelBody(Body):
    reason: str = Field(min_length=1, max_length=200)


class PullOrderBody(Body):
    shop_id: str = Field(min_length=1, max_length=64)
    order_no: str = Field(min_length=1, max_length=64)


class ResyncBody(Body):
    shop_id: str = Field(min_length=1, max_length=64)
    stream: str = Field(pattern=r"^(orders|after_sales)$")
    start: datetime
    end: datetime
