"""Editing the review configuration: rules, the per-shop auto-review switch and the blacklist. Each edit
is a new version (the old ones stay, the audit log holds who and when), published conditionally on the
version the editor read, and starts a re-evaluation of the orders still waiting for review."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.orders import Order
from chalicelib.domain.platform import Platform
from chalicelib.domain.review_eval import blacklist_keys, receiver_key
from chalicelib.domain.review_rules import MAX_TEXT, parse_rules, referenced, rule_doc
from chalicelib.services.ports import Clock
from chalicelib.services.review import ReviewStore

MAX_BLACKLIST = 2000
MAX_CONFIG_BYTES = 350_000       # one DynamoDB item holds a version (400 KB), with room for its keys


@dataclass(frozen=True)
class AdminDeps:
    store: ReviewStore
    clock: Clock
    missing_shops: Callable[[set[str]], set[str]]
    missing_skus: Callable[[set[str]], set[str]]
    start_reevaluation: Callable[[], str]          # answers the job id
    order: Callable[[str], Order | None] = lambda order_id: None


def config_view(doc: dict[str, Any]) -> dict[str, Any]:
    return {"version": int(doc.get("version", 0)), "rules": doc.get("rules", []),
            "manual_shops": sorted(doc.get("manual_shops", [])),
            "blacklist": [dict(e) for e in doc.get("blacklist", [])],
            "changed_by": doc.get("changed_by", ""), "changed_at": doc.get("changed_at")}


def current(deps: AdminDeps) -> dict[str, Any]:
    return config_view(deps.store.load())


def save_rules(deps: AdminDeps, data: Any, expected_version: int, actor: str) -> tuple[dict[str, Any], str]:
    rules = parse_rules(data)
    missing = deps.missing_shops(referenced(rules, "shop"))
    if missing:
        raise ValidationError(f"no shop {sorted(missing)[0]}", field=_where(data, "shop", missing),
                              reason="review.unknown_shop")
    missing = deps.missing_skus(referenced(rules, "sku"))
    if missing:
        raise ValidationError(f"no ERP SKU {sorted(missing)[0]}", field=_where(data, "sku", missing),
                              reason="review.unknown_sku")
    return _publish(deps, expected_version, actor, rules=[rule_doc(r) for r in rules])


def set_auto_review(deps: AdminDeps, shop_id: str, on: bool, expected_version: int, actor: str
                    ) -> tuple[dict[str, Any], str]:
    if deps.missing_shops({shop_id}):
        raise NotFoundError(f"no shop {shop_id}", reason="review.unknown_shop")
    manual = set(deps.store.load().get("manual_shops", []))
    manual = manual - {shop_id} if on else manual | {shop_id}
    return _publish(deps, expected_version, actor, manual_shops=sorted(manual))


def add_blacklist(deps: AdminDeps, entry: dict[str, Any], expected_version: int, actor: str
                  ) -> tuple[dict[str, Any], str]:
    reason = str(entry.get("reason") or "").strip()
    if not reason or len(reason) > MAX_TEXT:
        raise ValidationError("a reason of 1 to 200 characters", field="reason", reason="blacklist.reason")
    listed = list(deps.store.load().get("blacklist", []))
    known = {e["key"] for e in listed}
    now = deps.clock.now().isoformat()
    added = [{"key": key, "kind": kind, "label": label, "reason": reason, "by": actor, "at": now}
             for key, kind, label in _entries(deps, entry) if key not in known]
    if len(listed) + len(added) > MAX_BLACKLIST:
        raise ValidationError(f"the blacklist holds at most {MAX_BLACKLIST} entries", field="kind",
                              reason="blacklist.full")
    return _publish(deps, expected_version, actor, blacklist=listed + added)


def remove_blacklist(deps: AdminDeps, key: str, expected_version: int, actor: str) -> tuple[dict[str, Any], str]:
    listed = list(deps.store.load().get("blacklist", []))
    kept = [e for e in listed if e["key"] != key]
    if len(kept) == len(listed):
        raise NotFoundError(f"no blacklist entry {key}", reason="blacklist.not_found")
    return _publish(deps, expected_version, actor, blacklist=kept)


def _entries(deps: AdminDeps, entry: dict[str, Any]) -> list[tuple[str, str, str]]:
    kind = entry.get("kind")
    if kind == "buyer":
        platform, buyer_id = str(entry.get("platform") or ""), str(entry.get("buyer_id") or "").strip()
        if platform not in {p.value for p in Platform}:
            raise ValidationError("an unknown platform", field="platform", reason="blacklist.platform")
        if not buyer_id or len(buyer_id) > MAX_TEXT:
            raise ValidationError("a buyer id is needed", field="buyer_id", reason="blacklist.buyer_id")
        return [(f"buyer:{platform}:{buyer_id}", "buyer", f"{platform} {buyer_id[:3]}***")]
    if kind == "receiver":
        parts = [str(entry.get(name) or "") for name in ("name_masked", "province", "city", "district",
                                                           "address_masked")]
        if not parts[0].strip() or not parts[4].strip():
            raise ValidationError("the receiver's name and address are needed", field="name_masked",
                                  reason="blacklist.receiver")
        return [(receiver_key(*parts), "receiver", f"{parts[0]} {parts[1]}{parts[2]}")]
    if kind == "order":
        order = deps.order(str(entry.get("order_id") or ""))
        if order is None:
            raise ValidationError("no such order", field="order_id", reason="blacklist.order")
        label = f"{order.receiver.name_masked} {order.receiver.province}{order.receiver.city}" if order.receiver else ""
        return [(key, key.split(":")[0], label or order.order_no) for key in sorted(blacklist_keys(order))]
    raise ValidationError("kind is buyer, receiver or order", field="kind", reason="blacklist.kind")


def _publish(deps: AdminDeps, expected_version: int, actor: str, **changes: Any) -> tuple[dict[str, Any], str]:
    doc = {k: v for k, v in deps.store.load().items() if k != "version"}
    doc.update(changes, changed_by=actor, changed_at=deps.clock.now().isoformat())
    if len(json.dumps(doc, ensure_ascii=False).encode()) > MAX_CONFIG_BYTES:
        raise ValidationError("the rules and blacklist together are too large to store as one version",
                              field="rules" if "rules" in changes else "kind", reason="review.too_large")
    version = deps.store.publish(doc, expected_version)
    job_id = deps.start_reevaluation()
    return config_view({**doc, "version": version}), job_id


def _where(data: list[Any], what: str, missing: set[str]) -> str:
    """The first place a missing shop or SKU is named, as the field the answer points at."""
    for n, rule in enumerate(data):
        if what == "shop" and set(rule.get("shops") or []) & missing:
            return f"rules[{n}].shops"
        for m, cond in enumerate(rule.get("conditions") or []):
            if cond.get("field") == what and set(cond.get("value") or []) & missing:
                return f"rules[{n}].conditions[{m}].value"
    return "rules"
