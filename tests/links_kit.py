"""A linking world on fakes only (catalog, ERP SKUs, orders, stock), shared by the link tests."""
from __future__ import annotations

from chalicelib.domain.catalog import ErpSku, ShopSku
from chalicelib.domain.inventory import Movement, MovementKind
from chalicelib.domain.platform import Platform
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.links import LinkDeps
from chalicelib.services.platform_types import CanonicalLine
from chalicelib.services.stock import settle_order
from tests import fakes
from tests.factories import T0, canonical_order


class World:
    def __init__(self) -> None:
        self.catalog = fakes.InMemoryShopSkuRepository()
        self.erp = fakes.InMemoryErpSkuRepository()
        self.orders = fakes.InMemoryOrderRepository()
        self.ledger = fakes.InMemoryStockLedger()
        self.clock = fakes.FixedClock(T0)
        self.pushed: list[str] = []
        self.deps = LinkDeps(self.catalog, self.erp, self.orders, self.clock,
                             settle=lambda oid: settle_order(self.ledger, self.orders, self.clock, oid),
                             linked=self.pushed.extend)

    def shop_sku(self, sku_id: str, code: str, shop: str = "S1") -> None:
        self.catalog.add(ShopSku(shop, Platform.TAOBAO, sku_id, "p-1", code, "T恤", "白色 M"))

    def erp_sku(self, code: str, stock: int = 0) -> None:
        self.erp.add(ErpSku(code, f"ERP {code}"))
        if stock:
            self.ledger.apply([Movement(code, MovementKind.ADJUST, stock, f"count:{code}", "test", T0)],
                              guard_available=False)

    def ingest(self, order_no: str, *lines: tuple[str, int], shop: str = "S1") -> str:
        canonical = canonical_order(order_no, lines=tuple(
            CanonicalLine(str(n), sku_id, "p-1", "", "T恤", "白色", qty, 1990, 1990 * qty)
            for n, (sku_id, qty) in enumerate(lines, 1)))
        links = self.catalog.links_for(shop, {sku for sku, _ in lines})
        apply_snapshot(self.orders, self.clock, shop, canonical, links)
        order_id = f"{shop}-{order_no}"
        settle_order(self.ledger, self.orders, self.clock, order_id)
        return order_id
