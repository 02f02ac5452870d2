"""Fulfilment strategies (发货策略) as data: warehouse routing (仓库策略), carrier routing (快递策略) and gifts
(赠品). Pure: parsing refuses anything it does not know, naming the field ("rules[0].gift_skus[0]"); the plan
over one parcel's facts is in domain/fulfil_plan.py.

Each kind is a list of rules with a priority (lower first). Two enabled rules of one kind may not share a
priority when their shops overlap (no shops: every shop): which one wins would be an accident of order."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain.rule_inputs import RuleInputs

KINDS = ("warehouse", "carrier", "gift")
MAX_RULES = 100
MAX_ITEMS = 50
MAX_TEXT = 200
MAX_NUMBER = 10**10
_IN = RuleInputs(reason="fulfil.rule_invalid", max_items=MAX_ITEMS, max_text=MAX_TEXT)
_strings, _text, invalid = _IN.strings, _IN.text, _IN.invalid


def _int(value: Any, where: str, low: int, high: int = MAX_NUMBER) -> int:
    return _IN.whole(value, where, low, high)


@dataclass(frozen=True)
class Scope:
    """What every rule kind may match on: the shop and the receiver's region (province, or "province/city")."""
    shops: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    def covers(self, shop_id: str, province: str, city: str) -> bool:
        if self.shops and shop_id not in self.shops:
            return False
        return not self.regions or in_regions(self.regions, province, city)


def in_regions(regions: tuple[str, ...], province: str, city: str) -> bool:
    return province in regions or f"{province}/{city}" in regions


@dataclass(frozen=True)
class WarehouseRule:
    rule_id: str
    name: str
    priority: int
    warehouses: tuple[str, ...]          # tried in this order: the first with every line in stock reserves
    scope: Scope = Scope()
    enabled: bool = True


@dataclass(frozen=True)
class CarrierRule:
    rule_id: str
    name: str
    priority: int
    account_id: str                      # the shop's waybill account (domain/waybills.py)
    carrier_code: str
    scope: Scope = Scope()
    min_weight_g: int = 0
    max_weight_g: int = 0                # 0: no upper limit
    min_paid_fen: int = 0
    max_paid_fen: int = 0                # 0: no upper limit
    skus: tuple[str, ...] = ()           # any of these ERP SKUs in the parcel
    cod: bool | None = None              # None: either
    fallback_account_id: str = ""        # used when the account has no waybill balance left
    fallback_carrier_code: str = ""
    enabled: bool = True


@dataclass(frozen=True)
class GiftRule:
    rule_id: str
    name: str
    priority: int
    gift_skus: tuple[str, ...]
    quantity: int = 1                    # of each gift SKU
    scope: Scope = Scope()
    buy_skus: tuple[str, ...] = ()       # buy any of these ERP SKUs...
    min_quantity: int = 0                # ...this many units together (with buy_skus / buy_goods)
    min_paid_fen: int = 0                # or: paid at least this much (0: no amount condition)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    per_buyer_limit: int = 0             # 0: no limit
    total_limit: int = 0                 # 0: no limit
    skip_when_out: bool = True           # out of stock: the order ships without it (else it waits for it)
    enabled: bool = True
    buy_goods: tuple[str, ...] = ()      # ...or any SKU of these library goods (SPU ids)


@dataclass(frozen=True)
class Unreachable:
    carrier_code: str
    regions: tuple[str, ...]


@dataclass(frozen=True)
class FulfilRules:
    """What the consumer caches per process, keyed by `version`."""
    version: int = 0
    warehouse: tuple[WarehouseRule, ...] = ()
    carrier: tuple[CarrierRule, ...] = ()
    gift: tuple[GiftRule, ...] = ()
    unreachable: tuple[Unreachable, ...] = ()
    needs_weight: bool = field(default=False)
    needs_goods: bool = field(default=False)     # a gift rule names goods: the planner maps SKUs to goods

    def unreachable_for(self, carrier_code: str) -> tuple[str, ...]:
        return next((u.regions for u in self.unreachable if u.carrier_code == carrier_code), ())


def rules_from(doc: dict[str, Any]) -> FulfilRules:
    """The stored configuration, each kind in the order it is asked (priority, then rule id)."""
    carrier = by_priority(parse_carrier(doc.get("carrier", [])))
    gift = by_priority(parse_gift(doc.get("gift", [])))
    return FulfilRules(version=int(doc.get("version", 0)),
                       warehouse=by_priority(parse_warehouse(doc.get("warehouse", []))),
                       carrier=carrier, gift=gift, unreachable=parse_unreachable(doc.get("unreachable", [])),
                       needs_weight=any(r.enabled and (r.min_weight_g or r.max_weight_g) for r in carrier),
                       needs_goods=any(r.enabled and r.buy_goods for r in gift))


def by_priority(rules: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(sorted(rules, key=lambda rule: (rule.priority, rule.rule_id)))


# ------------------------------------------------------------------ parsing
WAREHOUSE_KEYS = {"rule_id", "name", "priority", "enabled", "shops", "regions", "warehouses"}
CARRIER_KEYS = {"rule_id", "name", "priority", "enabled", "shops", "regions", "account_id", "carrier_code",
                "min_weight_g", "max_weight_g", "min_paid_fen", "max_paid_fen", "skus", "cod",
                "fallback_account_id", "fallback_carrier_code"}
GIFT_KEYS = {"rule_id", "name", "priority", "enabled", "shops", "regions", "gift_skus", "quantity", "buy_skus",
             "min_quantity", "min_paid_fen", "starts_at", "ends_at", "per_buyer_limit", "total_limit",
             "skip_when_out", "buy_goods"}


def parse_warehouse(data: Any) -> tuple[WarehouseRule, ...]:
    return _parse_list(data, WAREHOUSE_KEYS, _warehouse_rule)


def parse_carrier(data: Any) -> tuple[CarrierRule, ...]:
    return _parse_list(data, CARRIER_KEYS, _carrier_rule)


def parse_gift(data: Any) -> tuple[GiftRule, ...]:
    return _parse_list(data, GIFT_KEYS, _gift_rule)


def parse_unreachable(data: Any) -> tuple[Unreachable, ...]:
    if not isinstance(data, list) or len(data) > MAX_RULES:
        raise invalid("unreachable", f"a list of at most {MAX_RULES} carriers")
    out = []
    for n, item in enumerate(data):
        where = f"unreachable[{n}]"
        if not isinstance(item, dict) or set(item) - {"carrier_code", "regions"}:
            raise invalid(where, "an object of carrier_code and regions")
        out.append(Unreachable(_text(item.get("carrier_code"), f"{where}.carrier_code", required=True),
                               _strings(item.get("regions", []), f"{where}.regions")))
    codes = [u.carrier_code for u in out]
    if len(set(codes)) != len(codes):
        raise invalid("unreachable", "each carrier once")
    return tuple(out)


def _parse_list(data: Any, keys: set[str], one: Any) -> tuple[Any, ...]:
    if not isinstance(data, list):
        raise invalid("rules", "must be a list")
    if len(data) > MAX_RULES:
        raise invalid("rules", f"at most {MAX_RULES} rules")
    rules = []
    for n, item in enumerate(data):
        where = f"rules[{n}]"
        if not isinstance(item, dict):
            raise invalid(where, "must be an object")
        unknown = set(item) - keys
        if unknown:
            raise invalid(f"{where}.{sorted(unknown)[0]}", "unknown field")
        rules.append(one(item, where, n))
    _distinct(rules)
    return tuple(rules)


def _distinct(rules: list[Any]) -> None:
    ids: set[str] = set()
    for n, rule in enumerate(rules):
        if rule.rule_id in ids:
            raise invalid(f"rules[{n}].rule_id", "two rules share one rule_id")
        ids.add(rule.rule_id)
        for earlier in rules[:n]:
            if rule.enabled and earlier.enabled and rule.priority == earlier.priority and _overlap(rule, earlier):
                raise invalid(f"rules[{n}].priority", f"the same priority as {earlier.rule_id} for the same shops")


def _overlap(a: Any, b: Any) -> bool:
    return not a.scope.shops or not b.scope.shops or bool(set(a.scope.shops) & set(b.scope.shops))


def _common(item: dict[str, Any], where: str, n: int) -> dict[str, Any]:
    enabled = _IN.flag(item.get("enabled", True), f"{where}.enabled")
    return {"rule_id": _text(item.get("rule_id") or f"r{n + 1}", f"{where}.rule_id", required=True),
            "name": _text(item.get("name"), f"{where}.name", required=True),
            "priority": _int(item.get("priority", n + 1), f"{where}.priority", low=0),
            "enabled": enabled,
            "scope": Scope(_strings(item.get("shops", []), f"{where}.shops"),
                           _strings(item.get("regions", []), f"{where}.regions"))}


def _warehouse_rule(item: dict[str, Any], where: str, n: int) -> WarehouseRule:
    warehouses = _strings(item.get("warehouses"), f"{where}.warehouses")
    if not warehouses:
        raise invalid(f"{where}.warehouses", "at least one warehouse")
    if len(set(warehouses)) != len(warehouses):
        raise invalid(f"{where}.warehouses", "each warehouse once")
    return WarehouseRule(warehouses=warehouses, **_common(item, where, n))


def _carrier_rule(item: dict[str, Any], where: str, n: int) -> CarrierRule:
    low_w = _int(item.get("min_weight_g", 0), f"{where}.min_weight_g", low=0)
    high_w = item.get("max_weight_g")
    high_w = 0 if high_w is None else _int(high_w, f"{where}.max_weight_g", low=1)   # a limit <= 0 is no limit
    if high_w and high_w < low_w:
        raise invalid(f"{where}.max_weight_g", "at least min_weight_g")
    low_p = _int(item.get("min_paid_fen", 0), f"{where}.min_paid_fen", low=0)
    high_p = item.get("max_paid_fen")
    high_p = 0 if high_p is None else _int(high_p, f"{where}.max_paid_fen", low=1)
    if high_p and high_p < low_p:
        raise invalid(f"{where}.max_paid_fen", "at least min_paid_fen")
    cod = item.get("cod")
    if cod is not None and not isinstance(cod, bool):
        raise invalid(f"{where}.cod", "true, false or null")
    fallback = _text(item.get("fallback_account_id"), f"{where}.fallback_account_id")
    account = _text(item.get("account_id"), f"{where}.account_id", required=True)
    if fallback == account:
        raise invalid(f"{where}.fallback_account_id", "another account than account_id")
    return CarrierRule(account_id=account, carrier_code=_text(item.get("carrier_code"), f"{where}.carrier_code"),
                       min_weight_g=low_w, max_weight_g=high_w, min_paid_fen=low_p, max_paid_fen=high_p,
                       skus=_strings(item.get("skus", []), f"{where}.skus"), cod=cod,
                       fallback_account_id=fallback,
                       fallback_carrier_code=_text(item.get("fallback_carrier_code"), f"{where}.fallback_carrier_code"),
                       **_common(item, where, n))


def _gift_rule(item: dict[str, Any], where: str, n: int) -> GiftRule:
    gifts = _strings(item.get("gift_skus"), f"{where}.gift_skus")
    if not gifts:
        raise invalid(f"{where}.gift_skus", "at least one gift SKU")
    buy = _strings(item.get("buy_skus", []), f"{where}.buy_skus")
    goods = _strings(item.get("buy_goods", []), f"{where}.buy_goods")
    min_qty = _int(item.get("min_quantity", 1 if buy or goods else 0), f"{where}.min_quantity", low=0)
    min_paid = _int(item.get("min_paid_fen", 0), f"{where}.min_paid_fen", low=0)
    if not buy and not goods and not min_paid:
        raise invalid(f"{where}.buy_skus", "buy_skus, buy_goods or min_paid_fen: a gift needs a condition")
    starts, ends = _time(item.get("starts_at"), f"{where}.starts_at"), _time(item.get("ends_at"), f"{where}.ends_at")
    if starts and ends and ends <= starts:
        raise invalid(f"{where}.ends_at", "after starts_at")
    skip = _IN.flag(item.get("skip_when_out", True), f"{where}.skip_when_out")
    return GiftRule(gift_skus=gifts, quantity=_int(item.get("quantity", 1), f"{where}.quantity", low=1, high=1000),
                    buy_skus=buy, min_quantity=min_qty, min_paid_fen=min_paid, starts_at=starts, ends_at=ends,
                    per_buyer_limit=_int(item.get("per_buyer_limit", 0), f"{where}.per_buyer_limit", low=0),
                    total_limit=_int(item.get("total_limit", 0), f"{where}.total_limit", low=0),
                    skip_when_out=skip, buy_goods=goods, **_common(item, where, n))


def _time(value: Any, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise invalid(where, "an ISO 8601 time with its offset")
    return parsed


# ------------------------------------------------------------------ what the rules name (checked by the service)
def named_skus(rules: tuple[Any, ...]) -> list[tuple[str, str]]:
    """(field, SKU code) for every SKU a rule names, first place first."""
    out = []
    for n, rule in enumerate(rules):
        for attr in ("gift_skus", "buy_skus", "skus"):
            out += [(f"rules[{n}].{attr}[{m}]", code) for m, code in enumerate(getattr(rule, attr, ()))]
    return out


def named_goods(rules: tuple[Any, ...]) -> list[tuple[str, str]]:
    return [(f"rules[{n}].buy_goods[{m}]", goods_id) for n, rule in enumerate(rules)
            for m, goods_id in enumerate(getattr(rule, "buy_goods", ()))]


def named_shops(rules: tuple[Any, ...]) -> list[tuple[str, str]]:
    return [(f"rules[{n}].shops[{m}]", shop) for n, rule in enumerate(rules) for m, shop in enumerate(rule.scope.shops)]


def rule_doc(rule: Any) -> dict[str, Any]:
    """The rule as the API shows it and as the parser reads it back."""
    doc: dict[str, Any] = {}
    for name, value in vars(rule).items():
        if name == "scope":
            doc.update(shops=list(value.shops), regions=list(value.regions))
        elif isinstance(value, datetime):
            doc[name] = value.isoformat()
        elif name in ("max_weight_g", "max_paid_fen"):
            doc[name] = value or None            # no limit (0 is refused as a limit)
        else:
            doc[name] = list(value) if isinstance(value, tuple) else value
    return doc
