"""What a handler gets: the sandbox state, the calling mall (when a token was given) and now."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from local.sandbox.pdd.model import Mall
from local.sandbox.pdd.wire import GatewayError

if TYPE_CHECKING:
    from local.sandbox.pdd.app import PddSandbox


@dataclass
class Ctx:
    sandbox: PddSandbox
    mall_or_none: Mall | None
    now: int

    @property
    def mall(self) -> Mall:
        if self.mall_or_none is None:
            raise GatewayError(10001, "公共参数错误:access_token", "access_token不能为空")
        return self.mall_or_none

    @property
    def rng(self) -> random.Random:
        return self.sandbox.data.rng
