"""The review gate's use cases over fakes: the consumer's gate, confirmation racing a re-evaluation, the
per-process cache, configuration edits and the re-evaluation job."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.errors import ConflictError, ValidationError
from chalicelib.domain.status import ErpHandoff, HoldReason, ReviewState
from chalicelib.services import review_admin
from chalicelib.services.ingest import apply_and_keep
from chalicelib.services.link_jobs import Step
from chalicelib.services.review import Gate, RuleCache, confirm_many, confirm_order, ruleset_from
from chalicelib.services.review_jobs import ReviewJobDeps, ReviewJobStarter, run_review_step
from tests.factories import canonical_order, make_order
from tests.fakes import FixedClock, InMemoryOrderRepository, RecordingPublisher
from tests.review_kit import MEMO_RULE, InMemoryJobStore, InMemoryReviewStore


def admin(store: InMemoryReviewStore, started: list[str] | None = None, skus: set[str] = frozenset(),
          orders: InMemoryOrderRepository | None = None) -> review_admin.AdminDeps:
    log = started if started is not None else []
    return review_admin.AdminDeps(
        store=store, clock=FixedClock(), missing_shops=lambda ids: {i for i in ids if i != "shopA"},
        missing_skus=lambda codes: set(codes) - set(skus), start_reevaluation=lambda: log.append("job") or "job_1",
        order=lambda order_id: orders.get(order_id) if orders else None)


def gate_for(store: InMemoryReviewStore) -> Gate:
    return Gate(ruleset_from(store.load()), FixedClock())


def test_given_a_memo_rule_when_the_consumer_writes_a_new_order_with_a_memo_then_it_is_held() -> None:
    store, orders = InMemoryReviewStore(), InMemoryOrderRepository()
    review_admin.save_rules(admin(store), [MEMO_RULE], 0, "alice")
    _, stored = apply_and_keep(orders, FixedClock(), "shopA", canonical_order(buyer_memo="请尽快发货"), {},
                               gate=gate_for(store))
    assert stored is not None and HoldReason.BUYER_MESSAGE in stored.holds
    assert stored.review is ReviewState.PENDING and stored.erp_handoff is ErpHandoff.NOT_READY
    _, plain = apply_and_keep(orders, FixedClock(), "shopA", canonical_order(), {}, gate=gate_for(store))
    assert plain is not None and plain.review is ReviewState.PASSED


def test_given_the_cache_when_refreshed_per_batch_then_the_configuration_is_read_only_when_the_version_moves() -> None:
    store, cache = InMemoryReviewStore(), RuleCache()
    review_admin.save_rules(admin(store), [MEMO_RULE], 0, "alice")
    loads, reads = store.loads, store.version_reads
    for _ in range(5):
        assert len(cache.refresh(store).rules) == 1
    assert (store.loads - loads, store.version_reads - reads, cache.loads) == (1, 5, 1)
    review_admin.save_rules(admin(store), [], 1, "alice")
    assert cache.refresh(store).rules == () and cache.loads == 2


def test_given_a_stale_version_when_rules_are_saved_then_it_is_a_conflict_and_nothing_is_stored() -> None:
    store = InMemoryReviewStore()
    review_admin.save_rules(admin(store), [MEMO_RULE], 0, "alice")
    with pytest.raises(ConflictError) as caught:
        review_admin.save_rules(admin(store), [], 0, "bob")
    assert caught.value.reason == "review.changed" and store.current == 1


@pytest.mark.parametrize(("rule", "field", "reason"), [
    ({**MEMO_RULE, "shops": ["nope"]}, "rules[0].shops", "review.unknown_shop"),
    ({**MEMO_RULE, "conditions": [{"field": "sku", "op": "any_in", "value": ["NO-SUCH"]}]},
     "rules[0].conditions[0].value", "review.unknown_sku"),
    ({**MEMO_RULE, "bogus": 1}, "rules[0].bogus", "review.rule_invalid"),
])
def test_given_a_rule_naming_what_does_not_exist_when_saved_then_400_names_the_field(
        rule: dict, field: str, reason: str) -> None:
    store, started = InMemoryReviewStore(), []
    with pytest.raises(ValidationError) as caught:
        review_admin.save_rules(admin(store, started), [rule], 0, "alice")
    assert (caught.value.field, caught.value.reason) == (field, reason)
    assert store.current == 0 and not started


def test_given_a_pending_order_when_a_re_evaluation_wrote_first_then_the_confirmation_is_a_409() -> None:
    orders = InMemoryOrderRepository()
    orders.add(make_order(1, review=ReviewState.PENDING, erp_handoff=ErpHandoff.NOT_READY))
    shown = orders.get("shopA-1")
    orders.save(replace(shown, seller_flag=2), shown.revision)          # the re-evaluation's write
    with pytest.raises(ConflictError) as caught:
        confirm_order(orders, FixedClock(), "shopA-1", "alice", expected_revision=shown.revision)
    assert caught.value.reason == "review.changed"
    confirmed = confirm_order(orders, FixedClock(), "shopA-1", "alice", expected_revision=shown.revision + 1)
    assert confirmed.review is ReviewState.CONFIRMED and confirmed.erp_handoff is ErpHandoff.READY


def test_given_a_batch_when_confirmed_then_each_order_answers_for_itself() -> None:
    orders = InMemoryOrderRepository()
    orders.add(make_order(1, review=ReviewState.PENDING, erp_handoff=ErpHandoff.NOT_READY))
    orders.add(make_order(2, review=ReviewState.PENDING, erp_handoff=ErpHandoff.TAKEN))
    outcomes = [c.outcome for c, _ in confirm_many(orders, FixedClock(), ["shopA-1", "shopA-2", "shopA-9"], "al")]
    assert outcomes == ["confirmed", "not_reviewable", "not_found"]


def test_given_new_rules_when_the_job_runs_then_waiting_orders_are_re_reviewed_and_handed_over_ones_never() -> None:
    store, orders, jobs, publisher = InMemoryReviewStore(), InMemoryOrderRepository(), InMemoryJobStore(), \
        RecordingPublisher()
    for n in range(1, 4):
        orders.add(make_order(n, buyer_memo="留言", erp_handoff=ErpHandoff.READY))
    orders.add(make_order(9, buyer_memo="留言", erp_handoff=ErpHandoff.TAKEN))
    starter = ReviewJobStarter(jobs, publisher, FixedClock())
    deps = admin(store)
    review_admin.save_rules(replace(deps, start_reevaluation=starter), [MEMO_RULE], 0, "alice")
    job_deps = ReviewJobDeps(orders, jobs, publisher, FixedClock(), gate=lambda: gate_for(store))
    while any(q == "link_jobs" for q, *_ in publisher.sent):
        at = next(i for i, (q, *_) in enumerate(publisher.sent) if q == "link_jobs")
        _, body, _, _ = publisher.sent.pop(at)
        run_review_step(job_deps, Step.parse(body))
    assert all(HoldReason.BUYER_MESSAGE in orders.get(f"shopA-{n}").holds for n in range(1, 4))
    assert orders.get("shopA-9").holds == frozenset() and orders.get("shopA-9").erp_handoff is ErpHandoff.TAKEN
    job = next(iter(jobs.rows.values()))
    assert (job.status, job.done, job.released) == ("done", 4, 3)   # looked at 4, changed 3


def test_given_a_blacklisted_order_when_added_then_its_keys_are_listed_with_the_reason() -> None:
    store, orders = InMemoryReviewStore(), InMemoryOrderRepository()
    orders.add(make_order(1))
    view, _ = review_admin.add_blacklist(admin(store, orders=orders), {"kind": "order", "order_id": "shopA-1",
                                                                       "reason": "恶意退款"}, 0, "alice")
    assert [e["kind"] for e in view["blacklist"]] == ["receiver"] and view["blacklist"][0]["reason"] == "恶意退款"
    assert "张*" in view["blacklist"][0]["label"] and "文三路" not in str(view["blacklist"])
    verdict_order = gate_for(store)(make_order(2))
    assert HoldReason.BLACKLISTED in verdict_order.holds


def test_given_orders_with_ship_by_times_then_the_at_risk_list_has_those_due_within_the_hours_overdue_first() -> None:
    from datetime import timedelta

    from chalicelib.services.ship_by import at_risk
    from tests.factories import STORED_T0
    orders = InMemoryOrderRepository()
    orders.add(make_order(1, ship_by_at=STORED_T0 + timedelta(hours=30)))
    orders.add(make_order(2, ship_by_at=STORED_T0 + timedelta(hours=5)))
    orders.add(make_order(3, ship_by_at=STORED_T0 - timedelta(hours=1)))
    orders.add(make_order(4))
    found, truncated = at_risk(orders, STORED_T0, 24)
    assert [o.order_id for o in found] == ["shopA-3", "shopA-2"] and not truncated


def test_given_a_configuration_over_one_items_size_when_published_then_it_is_refused_and_nothing_stored() -> None:
    store = InMemoryReviewStore()
    big = [{**MEMO_RULE, "name": f"规则{n}" + "长" * 190, "conditions": [
        {"field": "buyer_memo", "op": "contains_any", "value": ["词" * 50] * 50}]} for n in range(60)]
    with pytest.raises(ValidationError) as caught:
        review_admin.save_rules(admin(store), big, 0, "alice")
    assert caught.value.reason == "review.too_large" and store.current == 0
