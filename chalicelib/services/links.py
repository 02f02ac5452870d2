"""Links between shop SKUs and ERP SKUs: automatic by merchant code, manual, bulk, bundles (one shop SKU
= several ERP SKUs with quantities). Creating or changing a link re-resolves every held order of the shop
that waits for it: its lines get the links, the unlinked_sku hold is recomputed, the write is
revision-conditional, and an order released from the hold goes on to reserve its stock (`settle`).
With a `later` (every request: bootstrap.link_deps), that re-resolution and the auto-linking of new ERP
SKU codes run in the background instead (services/link_jobs.py): the request answers with the job id."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from chalicelib.domain.catalog import ShopSku, auto_link
from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.orders import Order, OrderChange, SkuLink, handoff_for
from chalicelib.domain.status import HoldReason
from chalicelib.services.ports import Clock, OrderQuery, OrderRepository
from chalicelib.services.stock_ports import ErpCodes, Later, ShopSkuStore

MAX_ATTEMPTS = 5
MAX_BUNDLE = 20
ACTOR = "system:links"


@dataclass(frozen=True)
class LinkDeps:
    catalog: ShopSkuStore
    erp: ErpCodes
    orders: OrderRepository
    clock: Clock
    settle: Callable[[str], object] | None = None    # stock for an order released from the hold
    linked: Callable[[Iterable[str]], object] | None = None   # ERP SKU codes newly linked: push their stock
    later: Later | None = None        # held orders re-resolve in the background; None: right here


def reresolve_shops(deps: LinkDeps, shop_ids: Iterable[str], kind: str = "links") -> int:
    """Re-resolves the shops' held orders: in the background when `later` is set (returns 0), else here."""
    shops = sorted(set(shop_ids))
    if not shops:
        return 0
    if deps.later is not None:
        deps.later.reresolve(shops, kind)
        return 0
    return sum(reresolve_held(deps, shop_id) for shop_id in shops)


def _announce(deps: LinkDeps, links: Iterable[SkuLink]) -> None:
    if deps.linked is not None:
        deps.linked([link.sku_code for link in links])


def _validated(deps: LinkDeps, links: Sequence[SkuLink]) -> tuple[SkuLink, ...]:
    if not 1 <= len(links) <= MAX_BUNDLE:
        raise ValidationError(f"give 1..{MAX_BUNDLE} ERP SKUs", field="links", reason="link.count")
    if len({link.sku_code for link in links}) != len(links):
        raise ValidationError("an ERP SKU appears twice in the links", field="links", reason="link.duplicate")
    if any(link.quantity < 1 for link in links):
        raise ValidationError("each link's quantity must be 1 or more", field="links", reason="link.quantity")
    missing = {link.sku_code for link in links} - deps.erp.existing_codes(link.sku_code for link in links)
    if missing:
        raise ValidationError(f"no ERP SKU {', '.join(sorted(missing))}", field="links",
                              reason="link.unknown_erp_sku")
    return tuple(links)


def set_links(deps: LinkDeps, shop_id: str, platform_sku_id: str, links: Sequence[SkuLink],
              source: str = "manual") -> ShopSku:
    """Manual links (several, or a quantity above 1: a bundle); empty `links` unlinks."""
    saved = _save_links(deps, shop_id, platform_sku_id, _validated(deps, links) if links else (), source)
    if saved.links:
        reresolve_shops(deps, [shop_id], "links")
    return saved


def _save_links(deps: LinkDeps, shop_id: str, sku_id: str, links: tuple[SkuLink, ...], source: str) -> ShopSku:
    for _ in range(MAX_ATTEMPTS):
        sku = deps.catalog.get(shop_id, sku_id)
        if sku is None:
            raise NotFoundError(f"no SKU {sku_id} in shop {shop_id}: pull the shop's catalog first",
                                reason="link.sku_not_pulled")
        changed = replace(sku, links=links, link_source=source if links else "")
        try:
            deps.catalog.save(changed, sku.revision)
        except ConflictError:
            continue
        _announce(deps, links)
        return replace(changed, revision=sku.revision + 1)
    raise ConflictError(f"shop SKU {shop_id}/{sku_id} kept changing")


@dataclass(frozen=True)
class BulkResult:
    shop_id: str
    platform_sku_id: str
    ok: bool
    error: str = ""


def link_bulk(deps: LinkDeps, items: Sequence[tuple[str, str, Sequence[SkuLink]]]) -> list[BulkResult]:
    """Each item on its own: one bad row does not stop the others. Held orders re-resolve once per shop."""
    results, shops = [], set()
    for shop_id, sku_id, links in items:
        try:
            _save_links(deps, shop_id, sku_id, _validated(deps, links), "bulk")
            results.append(BulkResult(shop_id, sku_id, True))
            shops.add(shop_id)
        except (ValidationError, NotFoundError, ConflictError) as exc:
            results.append(BulkResult(shop_id, sku_id, False, str(exc)))
    reresolve_shops(deps, shops, "bulk_links")
    return results


def auto_link_skus(deps: LinkDeps, skus: Iterable[ShopSku]) -> list[ShopSku]:
    """Unlinked shop SKUs whose merchant code is an ERP SKU code get that link. Returns those linked."""
    pending = [s for s in skus if not s.links and s.merchant_code.strip()]
    codes = deps.erp.existing_codes({s.merchant_code.strip() for s in pending})
    linked = []
    for sku in pending:
        links = auto_link(sku, codes)
        if links:
            try:
                deps.catalog.save(replace(sku, links=links, link_source="auto"), sku.revision)
                linked.append(sku)
                _announce(deps, links)
            except ConflictError:
                continue   # changed meanwhile (a manual link won): leave it
    return linked


def auto_link_shop(deps: LinkDeps, shop_id: str) -> int:
    linked, cursor = 0, None
    while True:
        page = deps.catalog.list_shop(shop_id, limit=100, cursor=cursor, unlinked_only=True)
        linked += len(auto_link_skus(deps, page.items))
        cursor = page.cursor
        if cursor is None:
            break
    if linked:
        reresolve_shops(deps, [shop_id], "auto_link")
    return linked


def auto_link_codes(deps: LinkDeps, sku_codes: Iterable[str]) -> int:
    """New ERP SKUs: shop SKUs already carrying their codes link, in every shop, and the held orders of
    those shops re-resolve (both in the background when `later` is set)."""
    codes = sorted(set(sku_codes))
    if deps.later is not None:
        if codes:
            deps.later.auto_link(codes)
        return 0
    _, shops = link_codes(deps, codes)
    reresolve_shops(deps, shops)
    return len(shops)


def link_codes(deps: LinkDeps, sku_codes: Iterable[str]) -> tuple[int, set[str]]:
    """Auto-links the shop SKUs carrying these codes: (how many linked, the shops they are in)."""
    linked, shops = 0, set()
    for code in sorted(set(sku_codes)):
        done = auto_link_skus(deps, deps.catalog.by_merchant_code(code))
        linked += len(done)
        shops |= {sku.shop_id for sku in done}
    return linked, shops


# ------------------------------------------------------------------ held orders
def reresolve_held(deps: LinkDeps, shop_id: str) -> int:
    """Every order of the shop held for unlinked SKUs takes the links that exist now, first paid first
    (they compete for stock next). Returns how many orders left the hold."""
    held: list[Order] = []
    cursor: str | None = None
    while True:
        page = deps.orders.query(OrderQuery(shop_id=shop_id, hold=HoldReason.UNLINKED_SKU, limit=100, cursor=cursor))
        held.extend(page.items)
        cursor = page.cursor
        if cursor is None:
            break
    return reresolve_orders(deps, held)[0]


def reresolve_orders(deps: LinkDeps, held: Sequence[Order]) -> tuple[int, list[Order]]:
    """These held orders (a page of them) take the links that exist now, first paid first. Returns how
    many left the hold, and the orders changed (for the ERP's notes)."""
    released, changed = 0, []
    links: dict[tuple[str, str], tuple[SkuLink, ...]] = {}     # shop SKU -> links, read once per page
    for order in sorted(held, key=lambda o: (o.paid_at or o.created_at, o.order_id)):
        relinked = _relink(deps, order, links)
        if relinked is None:
            continue
        changed.append(relinked)
        if HoldReason.UNLINKED_SKU not in relinked.holds:
            released += 1
            if deps.settle is not None:
                deps.settle(order.order_id)
    return released, changed


def _relink(deps: LinkDeps, listed: Order, links: dict[tuple[str, str], tuple[SkuLink, ...]]) -> Order | None:
    """The order as saved with the links found, or None when nothing changed (already re-resolved). The
    listed copy is tried first: the revision-conditional write refuses it if it is stale."""
    order: Order | None = listed
    for _ in range(MAX_ATTEMPTS):
        if order is None or HoldReason.UNLINKED_SKU not in order.holds:
            return None
        changed = _with_links(deps, order, links)
        if changed is None:
            return None
        try:
            deps.orders.save(changed, order.revision)
        except ConflictError:
            order = deps.orders.get(listed.order_id)
            continue
        return replace(changed, revision=order.revision + 1)
    raise ConflictError(f"order {listed.order_id} kept changing")


def _with_links(deps: LinkDeps, order: Order, known: dict[tuple[str, str], tuple[SkuLink, ...]]) -> Order | None:
    found = {}
    for sku_id in {line.platform_sku_id for line in order.unlinked_lines}:
        key = (order.shop_id, sku_id)
        if key not in known:                # fresh reads (no cached "unlinked"), once per page
            sku = deps.catalog.get(order.shop_id, sku_id)
            known[key] = sku.links if sku is not None else ()
        if known[key]:
            found[sku_id] = known[key]
    if not found:
        return None
    lines = tuple(replace(line, links=found.get(line.platform_sku_id, ())) if not line.links else line
                  for line in order.lines)
    relinked = replace(order, lines=lines)
    held = relinked if relinked.unlinked_lines else relinked.release(HoldReason.UNLINKED_SKU)
    now = deps.clock.now()
    summary = "SKU links found: unlinked_sku hold released" if not held.unlinked_lines else "some SKU links found"
    return replace(held, erp_handoff=handoff_for(held), updated_at=now,
                   history=(*order.history, OrderChange(now, ACTOR, summary))[-50:])
