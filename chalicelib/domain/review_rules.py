"""The review rule language (审单规则), as data. Pure: parsing refuses anything it does not know (naming the
field), and evaluation (domain/review_eval.py) reads only the order and the facts the caller gathered.

A rule: {"name", "enabled", "shops": [] (empty: every shop), "match": "all" | "any",
         "conditions": [{"field", "op", "value"}], "actions": [{"type", ...}]}.
No regular expressions anywhere: words are plain substrings, so no input can make matching slow."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.platform import Platform
from chalicelib.domain.rule_inputs import RuleInputs
from chalicelib.domain.status import HoldReason

MAX_RULES = 200
MAX_CONDITIONS = 20
MAX_WORDS = 50
MAX_WORD = 50
MAX_TEXT = 200
ORDER_TYPES = ("normal", "presale", "cod", "gift", "step_payment")

# field -> the ops it takes -> the value kind each op takes
NUMBER_OPS = {"gt": "int", "gte": "int", "lt": "int", "lte": "int", "eq": "int"}
LIST_OPS = {"in": "strings", "not_in": "strings"}
TEXT_OPS = {"present": "none", "absent": "none", "contains_any": "words"}
FLAG_OPS = {"is": "bool"}
FIELDS: dict[str, dict[str, str]] = {
    "shop": LIST_OPS, "platform": LIST_OPS, "province": LIST_OPS, "city": LIST_OPS,
    "paid_fen": NUMBER_OPS, "quantity": NUMBER_OPS,
    "sku": {"any_in": "strings", "none_in": "strings"},
    "buyer_memo": TEXT_OPS, "seller_memo": TEXT_OPS,
    "seller_flag": {"in": "ints"},
    "order_type": LIST_OPS,
    "ship_by_hours": {"lt": "int", "lte": "int"},   # hours left before the promised ship-by time
    "receiver_incomplete": FLAG_OPS, "blacklisted": FLAG_OPS, "merge_candidate": FLAG_OPS,
    "below_list_price_pct": {"gte": "int"},         # a line's unit price this many % under the SKU's list price
}
# the facts a field needs from outside the order: the caller gathers only what the rule set uses
FACT_FIELDS = {"blacklisted": "blacklist", "merge_candidate": "open_orders", "below_list_price_pct": "list_prices",
               "ship_by_hours": "now"}
ACTIONS = ("hold", "pass", "require_person", "set_memo", "set_flag")
RULE_KEYS = {"name", "enabled", "shops", "match", "conditions", "actions", "rule_id"}
_IN = RuleInputs(reason="review.rule_invalid", max_items=MAX_WORDS, max_text=MAX_TEXT)
_strings, _text, _one_of, _invalid = _IN.strings, _IN.text, _IN.one_of, _IN.invalid


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any = None        # int | bool | tuple[str, ...] | tuple[int, ...] | None


@dataclass(frozen=True)
class Action:
    type: str
    reason: str = ""         # hold: a HoldReason value
    note: str = ""           # hold: why, in the seller's words; set_memo: the memo
    flag: int = 0            # set_flag


@dataclass(frozen=True)
class Rule:
    rule_id: str
    name: str
    conditions: tuple[Condition, ...]
    actions: tuple[Action, ...]
    enabled: bool = True
    shops: tuple[str, ...] = ()
    match: str = "all"

    def applies_to(self, shop_id: str) -> bool:
        return self.enabled and (not self.shops or shop_id in self.shops)


@dataclass(frozen=True)
class RuleSet:
    """What the consumer caches per process, keyed by `version`."""
    version: int = 0
    rules: tuple[Rule, ...] = ()
    manual_shops: frozenset[str] = frozenset()     # shops with auto-review off: every order waits for a person
    blacklist: frozenset[str] = frozenset()        # entry keys (domain/blacklist.py)
    needs: frozenset[str] = field(default=frozenset())

    def auto_review(self, shop_id: str) -> bool:
        return shop_id not in self.manual_shops


def facts_needed(rules: tuple[Rule, ...]) -> frozenset[str]:
    return frozenset(FACT_FIELDS[c.field] for rule in rules if rule.enabled for c in rule.conditions
                     if c.field in FACT_FIELDS)


def referenced(rules: tuple[Rule, ...], what: str) -> set[str]:
    """The shop ids ("shop") or SKU codes ("sku") the rules name: the service checks that they exist."""
    found: set[str] = set()
    for rule in rules:
        if what == "shop":
            found.update(rule.shops)
        found.update(v for c in rule.conditions if c.field == what for v in c.value)
    return found


# ------------------------------------------------------------------ parsing
def parse_rules(data: Any) -> tuple[Rule, ...]:
    if not isinstance(data, list):
        raise _invalid("rules", "must be a list")
    if len(data) > MAX_RULES:
        raise _invalid("rules", f"at most {MAX_RULES} rules")
    rules = tuple(parse_rule(item, f"rules[{n}]", n) for n, item in enumerate(data))
    ids = [r.rule_id for r in rules]
    if len(set(ids)) != len(ids):
        raise _invalid("rules", "two rules share one rule_id")
    return rules


def parse_rule(data: Any, where: str = "rule", position: int = 0) -> Rule:
    if not isinstance(data, dict):
        raise _invalid(where, "must be an object")
    unknown = set(data) - RULE_KEYS
    if unknown:
        raise _invalid(f"{where}.{sorted(unknown)[0]}", "unknown field")
    name = _text(data.get("name"), f"{where}.name", required=True)
    conditions = data.get("conditions")
    if not isinstance(conditions, list) or not conditions or len(conditions) > MAX_CONDITIONS:
        raise _invalid(f"{where}.conditions", f"1 to {MAX_CONDITIONS} conditions")
    actions = data.get("actions")
    if not isinstance(actions, list) or not actions or len(actions) > len(ACTIONS):
        raise _invalid(f"{where}.actions", "1 or more actions")
    match = data.get("match", "all")
    if match not in ("all", "any"):
        raise _invalid(f"{where}.match", "all or any")
    enabled = _IN.flag(data.get("enabled", True), f"{where}.enabled")
    rule_id = data.get("rule_id") or f"r{position + 1}"
    return Rule(rule_id=_text(rule_id, f"{where}.rule_id", required=True), name=name,
                conditions=tuple(parse_condition(c, f"{where}.conditions[{n}]") for n, c in enumerate(conditions)),
                actions=_actions(actions, f"{where}.actions"), enabled=enabled, match=match,
                shops=_strings(data.get("shops", []), f"{where}.shops"))


def parse_condition(data: Any, where: str) -> Condition:
    if not isinstance(data, dict) or set(data) - {"field", "op", "value"}:
        raise _invalid(where, "an object of field, op and value")
    name, op = data.get("field"), data.get("op")
    if name not in FIELDS:
        raise _invalid(f"{where}.field", f"unknown field {name!r}")
    kind = FIELDS[name].get(op) if isinstance(op, str) else None
    if kind is None:
        raise _invalid(f"{where}.op", f"{name} takes {', '.join(FIELDS[name])}")
    value = _value(kind, data.get("value"), f"{where}.value")
    if name == "platform":
        _one_of(value, [p.value for p in Platform], f"{where}.value")
    if name == "order_type":
        _one_of(value, ORDER_TYPES, f"{where}.value")
    return Condition(str(name), str(op), value)


def _value(kind: str, value: Any, where: str) -> Any:
    if kind == "none":
        return None
    if kind == "bool":
        return _IN.flag(value, where)
    if kind == "int":
        return _IN.whole(value, where, 0, 10**10, "a whole number, 0 or more")
    if kind == "ints":
        if not isinstance(value, list) or not value or not all(isinstance(v, int) and 0 <= v <= 10 for v in value):
            raise _invalid(where, "a list of flag numbers 0 to 10")
        return tuple(value)
    words = _strings(value, where, limit=MAX_WORD if kind == "words" else MAX_TEXT)
    if not words:
        raise _invalid(where, "at least one value")
    return tuple(w.lower() for w in words) if kind == "words" else words


def _actions(data: list[Any], where: str) -> tuple[Action, ...]:
    parsed = []
    for n, item in enumerate(data):
        at = f"{where}[{n}]"
        if not isinstance(item, dict) or item.get("type") not in ACTIONS:
            raise _invalid(f"{at}.type", f"one of {', '.join(ACTIONS)}")
        allowed = {"hold": {"reason", "note"}, "set_memo": {"note"}, "set_flag": {"flag"}}.get(item["type"], set())
        extra = set(item) - allowed - {"type"}
        if extra:
            raise _invalid(f"{at}.{sorted(extra)[0]}", "unknown field")
        parsed.append(_action(item, at))
    types = [a.type for a in parsed]
    if len(set(types)) != len(types):
        raise _invalid(where, "each action type once")
    if "pass" in types and ({"hold", "require_person"} & set(types)):
        raise _invalid(where, "pass cannot go with hold or require_person")
    return tuple(parsed)


def _action(item: dict[str, Any], at: str) -> Action:
    kind = item["type"]
    if kind == "hold":
        reason = item.get("reason", HoldReason.RULE_HOLD.value)
        if reason not in RULE_HOLD_REASONS:
            raise _invalid(f"{at}.reason", f"one of {', '.join(sorted(RULE_HOLD_REASONS))}")
        return Action("hold", reason=reason, note=_text(item.get("note", ""), f"{at}.note"))
    if kind == "set_memo":
        return Action("set_memo", note=_text(item.get("note"), f"{at}.note", required=True))
    if kind == "set_flag":
        return Action("set_flag", flag=_IN.whole(item.get("flag"), f"{at}.flag", 0, 10, "a flag number 0 to 10"))
    return Action(kind)


# the holds a rule may place: the ones whose cause a rule can see (not unlinked SKU, refund or stock, which
# the system sets and lifts itself)
RULE_HOLD_REASONS = frozenset({HoldReason.RULE_HOLD.value, HoldReason.BUYER_MESSAGE.value,
                               HoldReason.ADDRESS_ISSUE.value, HoldReason.MANUAL_HOLD.value,
                               HoldReason.BLACKLISTED.value, HoldReason.MERGE_CANDIDATE.value,
                               HoldReason.PRICE_ANOMALY.value})


def rule_doc(rule: Rule) -> dict[str, Any]:
    """The rule as the API shows it and as parse_rule reads it back."""
    return {"rule_id": rule.rule_id, "name": rule.name, "enabled": rule.enabled, "shops": list(rule.shops),
            "match": rule.match,
            "conditions": [{"field": c.field, "op": c.op, "value": list(c.value) if isinstance(c.value, tuple)
                            else c.value} for c in rule.conditions],
            "actions": [_action_doc(a) for a in rule.actions]}


def _action_doc(action: Action) -> dict[str, Any]:
    doc: dict[str, Any] = {"type": action.type}
    if action.type == "hold":
        doc.update(reason=action.reason, note=action.note)
    elif action.type == "set_memo":
        doc["note"] = action.note
    elif action.type == "set_flag":
        doc["flag"] = action.flag
    return doc
