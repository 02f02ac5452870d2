"""The checks every rule language (review rules, fulfilment strategies) puts on its inputs. Pure.

Each language keeps its own limits and its own error reason ("review.rule_invalid", "fulfil.rule_invalid"),
so one `RuleInputs` per language carries them; every refusal names the field ("rules[0].shops[2]")."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import ValidationError


@dataclass(frozen=True)
class RuleInputs:
    reason: str          # the error reason the API returns for every refusal
    max_items: int       # how many texts a list may hold
    max_text: int        # how long a text may be

    def invalid(self, where: str, what: str) -> ValidationError:
        return ValidationError(f"{where}: {what}", field=where, reason=self.reason)

    def strings(self, value: Any, where: str, limit: int | None = None) -> tuple[str, ...]:
        """A list of non-blank texts, each stripped; `limit` overrides the text length for this list."""
        limit = self.max_text if limit is None else limit
        if not isinstance(value, list) or len(value) > self.max_items:
            raise self.invalid(where, f"a list of at most {self.max_items} texts")
        out = []
        for n, item in enumerate(value):
            if not isinstance(item, str) or not item.strip() or len(item) > limit:
                raise self.invalid(f"{where}[{n}]", f"a text of 1 to {limit} characters")
            out.append(item.strip())
        return tuple(out)

    def text(self, value: Any, where: str, required: bool = False) -> str:
        """A stripped text; missing (None) is "" unless required, and required refuses a blank one."""
        if value is None and not required:
            return ""
        if not isinstance(value, str) or len(value) > self.max_text or (required and not value.strip()):
            raise self.invalid(where, f"a text of {'1' if required else '0'} to {self.max_text} characters")
        return value.strip()

    def whole(self, value: Any, where: str, low: int, high: int, what: str = "") -> int:
        """An int from low to high (a bool is not a number here); `what` words the refusal when given."""
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.invalid(where, what or f"a whole number from {low} to {high}")
        return value

    def flag(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.invalid(where, "true or false")
        return value

    def one_of(self, values: Iterable[str], allowed: Any, where: str) -> None:
        for n, v in enumerate(values):
            if v not in allowed:
                raise self.invalid(f"{where}[{n}]", f"one of {', '.join(allowed)}")
