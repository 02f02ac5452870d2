"""Editing the fulfilment rules: each kind (warehouse, carrier, gift, and the carriers' unreachable areas) is
saved whole, as a new version published conditionally on the version the editor read (the audit log holds
who and when). What the rules name must exist: shops, ERP SKUs, warehouses, the shops' waybill accounts; the
answer names the first wrong field ("rules[0].gift_skus[0]"). Orders still waiting are re-planned in the
background (the review re-evaluation job runs the planner after the review gate)."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.fulfil_rules import (
    CarrierRule,
    named_goods,
    named_shops,
    named_skus,
    parse_carrier,
    parse_gift,
    parse_unreachable,
    parse_warehouse,
    rule_doc,
)
from chalicelib.domain.waybills import ShopWaybillAccount
from chalicelib.services.fulfilment import FulfilStore
from chalicelib.services.ports import Clock

KINDS = ("warehouse", "carrier", "gift", "unreachable")
MAX_CONFIG_BYTES = 350_000


@dataclass(frozen=True)
class FulfilAdminDeps:
    store: FulfilStore
    clock: Clock
    missing_shops: Callable[[set[str]], set[str]]
    missing_skus: Callable[[set[str]], set[str]]
    warehouse_ids: Callable[[], set[str]]                       # the active ones
    accounts: Callable[[str], list[ShopWaybillAccount]]         # a shop's waybill accounts
    shop_ids: Callable[[], list[str]]
    start_replan: Callable[[], str]                             # answers the job id
    missing_goods: Callable[[set[str]], set[str]] = set     # the library goods (SPU) ids it lacks (unwired: all)


def config_view(doc: dict[str, Any]) -> dict[str, Any]:
    return {"version": int(doc.get("version", 0)), **{kind: doc.get(kind, []) for kind in KINDS},
            "changed_by": doc.get("changed_by", ""), "changed_at": doc.get("changed_at")}


def current(deps: FulfilAdminDeps) -> dict[str, Any]:
    return config_view(deps.store.load())


def save(deps: FulfilAdminDeps, kind: str, data: Any, expected_version: int, actor: str
         ) -> tuple[dict[str, Any], str]:
    if kind not in KINDS:
        raise ValidationError(f"kind is one of {', '.join(KINDS)}", field="kind", reason="fulfil.kind")
    if kind == "unreachable":
        stored = [{"carrier_code": u.carrier_code, "regions": list(u.regions)} for u in parse_unreachable(data)]
        return _publish(deps, expected_version, actor, kind, stored)
    rules: tuple[Any, ...] = {"warehouse": parse_warehouse, "carrier": parse_carrier, "gift": parse_gift}[kind](data)
    _check_named(deps, rules)
    if kind == "warehouse":
        _check_warehouses(deps, rules)
    if kind == "carrier":
        rules = tuple(_with_carriers(deps, rule, n) for n, rule in enumerate(rules))
    return _publish(deps, expected_version, actor, kind, [rule_doc(r) for r in rules])


def _check_named(deps: FulfilAdminDeps, rules: tuple[Any, ...]) -> None:
    checks = {"shop": deps.missing_shops, "ERP SKU": deps.missing_skus, "goods": deps.missing_goods}
    for what, named, reason in (("shop", named_shops(rules), "fulfil.unknown_shop"),
                                ("ERP SKU", named_skus(rules), "fulfil.unknown_sku"),
                                ("goods", named_goods(rules), "fulfil.unknown_goods")):
        missing = checks[what]({value for _, value in named}) if named else set()
        where = next((field for field, value in named if value in missing), "")
        if where:
            raise ValidationError(f"{where}: no {what} {dict(named)[where]}", field=where, reason=reason)


def _check_warehouses(deps: FulfilAdminDeps, rules: tuple[Any, ...]) -> None:
    known = deps.warehouse_ids()
    for n, rule in enumerate(rules):
        for m, warehouse_id in enumerate(rule.warehouses):
            if warehouse_id not in known:
                raise ValidationError(f"no active warehouse {warehouse_id}", field=f"rules[{n}].warehouses[{m}]",
                                      reason="fulfil.unknown_warehouse")


def _with_carriers(deps: FulfilAdminDeps, rule: CarrierRule, n: int) -> CarrierRule:
    """The account must exist in every shop the rule names (every shop when it names none); its carrier
    code is taken from the account, so the unreachable areas apply without the editor typing it."""
    shops = list(rule.scope.shops) or deps.shop_ids()
    codes: dict[str, str] = {}
    for attr in ("account_id", "fallback_account_id"):
        account_id = getattr(rule, attr)
        if not account_id:
            continue
        found = [a for shop in shops for a in deps.accounts(shop) if a.account_id == account_id]
        if not found or (rule.scope.shops and len({a.shop_id for a in found}) < len(shops)):
            raise ValidationError(f"no waybill account {account_id} in the rule's shops", field=f"rules[{n}].{attr}",
                                  reason="fulfil.unknown_account")
        codes[attr] = found[0].carrier_code
    return replace(rule, carrier_code=codes.get("account_id", rule.carrier_code),
                   fallback_carrier_code=codes.get("fallback_account_id", rule.fallback_carrier_code))


def _publish(deps: FulfilAdminDeps, expected_version: int, actor: str, kind: str, stored: list[dict[str, Any]]
             ) -> tuple[dict[str, Any], str]:
    doc = {k: v for k, v in deps.store.load().items() if k != "version"}
    doc.update({kind: stored}, changed_by=actor, changed_at=deps.clock.now().isoformat())
    if len(json.dumps(doc, ensure_ascii=False).encode()) > MAX_CONFIG_BYTES:
        raise ValidationError("the rules are too large to store as one version", field="rules",
                              reason="fulfil.too_large")
    version = deps.store.publish(doc, expected_version)
    return config_view({**doc, "version": version}), deps.start_replan()
