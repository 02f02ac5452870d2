"""The fulfilment plan (发货方案) of ONE parcel: which warehouses reserve its stock (in order), which waybill
account takes it (and the fallback when that account has no balance), which gifts go in, and why. Pure: the
caller gathers the facts (the parcel's region, weight, amount, SKUs, shop, COD; the warehouses serving the
shop) once; nothing here reads. Merge and split call `plan` once per parcel they make."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.domain.fulfil_rules import CarrierRule, FulfilRules, GiftRule, in_regions
from chalicelib.domain.inventory import DEFAULT_WAREHOUSE


@dataclass(frozen=True)
class ParcelFacts:
    shop_id: str
    province: str = ""
    city: str = ""
    weight_g: int = 0
    paid_fen: int = 0
    skus: Mapping[str, int] = field(default_factory=dict)     # ERP SKU code -> units in the parcel
    cod: bool = False
    at: datetime | None = None                                # when the order was paid (the gift window)
    serving: tuple[str, ...] = ()                             # the shop's warehouses, first choice first
    active: frozenset[str] = frozenset()                      # the warehouses switched on
    negative: frozenset[str] = frozenset()                    # those allowing negative stock
    goods_of: Mapping[str, str] = field(default_factory=dict)  # ERP SKU code -> its library goods (SPU) id


@dataclass(frozen=True)
class GiftPick:
    rule_id: str
    sku_code: str
    quantity: int
    skip_when_out: bool
    per_buyer_limit: int = 0
    total_limit: int = 0


@dataclass(frozen=True)
class Plan:
    version: int = 0                          # of the rules that made it
    warehouses: tuple[str, ...] = ()          # tried in order at reservation
    negative: frozenset[str] = frozenset()
    warehouse_rule: str = ""                  # "" : the shop's serving warehouses
    account_id: str = ""                      # "" : the shop's default waybill account
    carrier_code: str = ""
    carrier_rule: str = ""
    fallback_account_id: str = ""
    fallback_carrier_code: str = ""
    override_account_id: str = ""             # an operator's choice: beats the rules until the waybill is taken
    gifts: tuple[GiftPick, ...] = ()
    skipped_gifts: tuple[str, ...] = ()       # gift line ids left out for lack of stock: not offered again
    reasons: tuple[str, ...] = ()             # why, one sentence per decision

    def summary(self) -> str:
        gifts = ", ".join(f"{g.sku_code}x{g.quantity}" for g in self.gifts) or "none"
        account = self.override_account_id or self.account_id or "shop default"
        by = [f"{what} rule {rule}" for what, rule in (("warehouse", self.warehouse_rule),
                                                       ("carrier", self.carrier_rule)) if rule]
        return (f"warehouse {'>'.join(self.warehouses)}; waybill account {account}; gifts {gifts}"
                + (f" ({', '.join(by)})" if by else ""))


def plan(facts: ParcelFacts, rules: FulfilRules) -> Plan:
    """`rules` as rules_from makes them: each kind in priority order."""
    warehouses, w_rule, w_reason = _warehouses(facts, rules)
    carrier, c_reason, skipped = _carrier(facts, rules)
    gifts = tuple(pick for rule in rules.gift if _gift_applies(rule, facts)
                  for pick in _picks(rule))
    reasons = (w_reason, *skipped, c_reason, *(f"gift {g.sku_code} x{g.quantity}: rule {g.rule_id}" for g in gifts))
    return Plan(version=rules.version, warehouses=warehouses,
                negative=frozenset(w for w in warehouses if w in facts.negative), warehouse_rule=w_rule,
                account_id=carrier.account_id if carrier else "", carrier_code=carrier.carrier_code if carrier else "",
                carrier_rule=carrier.rule_id if carrier else "",
                fallback_account_id=_fallback(carrier, facts, rules),
                fallback_carrier_code=carrier.fallback_carrier_code if carrier else "",
                gifts=gifts, reasons=reasons)


# ------------------------------------------------------------------ warehouse
def _warehouses(facts: ParcelFacts, rules: FulfilRules) -> tuple[tuple[str, ...], str, str]:
    for rule in rules.warehouse:
        if not rule.enabled or not rule.scope.covers(facts.shop_id, facts.province, facts.city):
            continue
        chosen = tuple(w for w in rule.warehouses if w in facts.active)
        if chosen:
            return chosen, rule.rule_id, f"warehouse {'>'.join(chosen)}: rule {rule.rule_id} {rule.name}"
    serving = facts.serving or (DEFAULT_WAREHOUSE,)
    return serving, "", f"warehouse {'>'.join(serving)}: the warehouses serving the shop"


# ------------------------------------------------------------------ carrier
def _carrier(facts: ParcelFacts, rules: FulfilRules) -> tuple[CarrierRule | None, str, list[str]]:
    skipped = []
    for rule in rules.carrier:
        if not rule.enabled or not _carrier_matches(rule, facts):
            continue
        if rule.carrier_code and in_regions(rules.unreachable_for(rule.carrier_code), facts.province, facts.city):
            skipped.append(f"rule {rule.rule_id}: {rule.carrier_code} does not reach {facts.province}{facts.city}")
            continue
        why = f"waybill account {rule.account_id} ({rule.carrier_code}): rule {rule.rule_id} {rule.name}"
        return rule, why, skipped
    return None, "waybill account: the shop's default (no carrier rule matched)", skipped


def _carrier_matches(rule: CarrierRule, facts: ParcelFacts) -> bool:
    if not rule.scope.covers(facts.shop_id, facts.province, facts.city):
        return False
    if facts.weight_g < rule.min_weight_g or (rule.max_weight_g and facts.weight_g > rule.max_weight_g):
        return False
    if facts.paid_fen < rule.min_paid_fen or (rule.max_paid_fen and facts.paid_fen > rule.max_paid_fen):
        return False
    if rule.skus and not any(code in facts.skus for code in rule.skus):
        return False
    return rule.cod is None or rule.cod == facts.cod


def _fallback(rule: CarrierRule | None, facts: ParcelFacts, rules: FulfilRules) -> str:
    if rule is None or not rule.fallback_account_id:
        return ""
    code = rule.fallback_carrier_code
    if code and in_regions(rules.unreachable_for(code), facts.province, facts.city):
        return ""
    return rule.fallback_account_id


def fallback_needed(remaining: int) -> bool:
    """A waybill account's balance as the platform lists it: -1 is unlimited, 0 is none left."""
    return remaining == 0


# ------------------------------------------------------------------ gifts
def _gift_applies(rule: GiftRule, facts: ParcelFacts) -> bool:
    if not rule.enabled or not rule.scope.covers(facts.shop_id, facts.province, facts.city):
        return False
    if facts.at is not None and ((rule.starts_at and facts.at < rule.starts_at)
                                 or (rule.ends_at and facts.at >= rule.ends_at)):
        return False
    if (rule.starts_at or rule.ends_at) and facts.at is None:
        return False
    if (rule.buy_skus or rule.buy_goods) and _bought(rule, facts) < max(rule.min_quantity, 1):
        return False
    return not rule.min_paid_fen or facts.paid_fen >= rule.min_paid_fen


def _bought(rule: GiftRule, facts: ParcelFacts) -> int:
    """Units of the named SKUs and of any SKU of the named goods, each unit once."""
    return sum(units for code, units in facts.skus.items()
               if code in rule.buy_skus or facts.goods_of.get(code, "") in rule.buy_goods)


def _picks(rule: GiftRule) -> tuple[GiftPick, ...]:
    return tuple(GiftPick(rule.rule_id, code, rule.quantity, rule.skip_when_out, rule.per_buyer_limit,
                          rule.total_limit) for code in rule.gift_skus)
