"""One API call's context: the parsed parameters, the caller's seller, and parameter helpers that
refuse bad input with TOP's codes (40 missing, 41 invalid)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from local.sandbox.core import SHANGHAI, Faults
from local.sandbox.taobao.errors import invalid, missing
from local.sandbox.taobao.store import Seller, Store


@dataclass
class Call:
    store: Store
    faults: Faults
    params: dict[str, str]
    seller_or_none: Seller | None = None

    @property
    def seller(self) -> Seller:
        assert self.seller_or_none is not None, "API registered without session"
        return self.seller_or_none

    def need(self, name: str) -> str:
        value = self.params.get(name, "").strip()
        if not value:
            raise missing(name)
        return value

    def opt(self, name: str) -> str | None:
        value = self.params.get(name)
        return value if value is not None and value.strip() else None

    def number(self, name: str, default: int | None = None, low: int | None = None, high: int | None = None) -> int:
        raw = self.opt(name)
        if raw is None:
            if default is None:
                raise missing(name)
            return default
        try:
            value = int(raw)
        except ValueError as exc:
            raise invalid(name, f"{name} must be a number") from exc
        if (low is not None and value < low) or (high is not None and value > high):
            raise invalid(name, f"{name} must be within {low}..{high}")
        return value

    def flag(self, name: str) -> bool:
        return (self.opt(name) or "").lower() in ("true", "1")

    def time(self, name: str) -> datetime:
        raw = self.need(name)
        try:
            return datetime.strptime(raw, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
        except ValueError as exc:
            raise invalid(name, "时间格式为yyyy-MM-dd HH:mm:ss") from exc

    def page(self, max_size: int, default_size: int = 40) -> tuple[int, int]:
        return self.number("page_no", 1, low=1), self.number("page_size", default_size, low=1, high=max_size)
