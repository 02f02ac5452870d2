"""Order processing's review gate (issue 22): rules, their cache, the gate, its admin and its re-review jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import bootstrap
from chalicelib.bootstrap.registry import _get

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.services.dropship import RuleGate
    from chalicelib.services.review import ReviewStore, RuleCache
    from chalicelib.services.review_admin import AdminDeps
    from chalicelib.services.review_jobs import ReviewJobDeps

    pass

__all__ = ["review_admin_deps", "review_cache", "review_gate", "review_job_deps", "review_store"]


def review_store() -> ReviewStore:
    def build() -> Any:
        from chalicelib.storage.review import DynamoReviewStore

        return DynamoReviewStore()

    return _get("review_store", build)


def review_cache() -> RuleCache:
    """Per process: the consumer checks its version once per batch (services/review.py)."""

    def build() -> Any:
        from chalicelib.services.review import RuleCache

        return RuleCache()

    return _get("review_cache", build)


def review_gate() -> RuleGate:
    """The gate over the cached rule set, as last refreshed (no read of its own)."""
    from chalicelib.services.review import Gate

    def list_prices(codes: Any) -> dict[str, int]:
        return {code: sku.price_fen for code, sku in bootstrap.erp_skus().get_many(codes).items()}

    # drop-shipping's SKU rule runs after review
    return bootstrap.with_dropship_rule(
        Gate(review_cache().rules, bootstrap.clock(), bootstrap.publisher(), bootstrap.plain_orders(), list_prices)
    )


def review_admin_deps() -> AdminDeps:
    from chalicelib.services.review_admin import AdminDeps
    from chalicelib.services.review_jobs import ReviewJobStarter

    return AdminDeps(
        store=review_store(),
        clock=bootstrap.clock(),
        missing_shops=lambda ids: {i for i in ids if bootstrap.shops().get(i) is None},
        missing_skus=lambda codes: set(codes) - bootstrap.erp_skus().existing_codes(codes) if codes else set(),
        start_reevaluation=ReviewJobStarter(bootstrap.link_jobs(), bootstrap.publisher(), bootstrap.clock()),
        order=lambda order_id: bootstrap.orders().get(order_id) if order_id else None,
    )


def review_job_deps() -> ReviewJobDeps:
    from chalicelib.services.erp_events import order_note
    from chalicelib.services.review_jobs import ReviewJobDeps

    def gate() -> Any:
        from chalicelib.services.fulfilment import Planner

        review_cache().refresh(review_store())
        cache = bootstrap.fulfil_cache()
        cache.refresh(bootstrap.fulfil_store(), bootstrap.warehouses())
        # gifts come only where the order's stock settles right after (the orders consumer)
        planner = Planner(
            cache, bootstrap.clock(), weights=bootstrap.sku_weights, add_gifts=False, goods=bootstrap.sku_goods
        )
        review = review_gate()
        return lambda order: planner(review(order))

    return ReviewJobDeps(
        orders=bootstrap.plain_orders(),
        jobs=bootstrap.link_jobs(),
        publisher=bootstrap.publisher(),
        clock=bootstrap.clock(),
        gate=gate,
        changed=lambda changed: bootstrap.publisher().publish("erp_events", [order_note(o) for o in changed]),
    )
