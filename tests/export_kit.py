"""Fakes of the exports' ports (services/export_ports.py): jobs in memory, files on a local directory."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from chalicelib.domain.exports import ExportJob
from chalicelib.services.ports import Page
from tests.fakes import _page, _Store


class InMemoryExportStore(_Store):
    def __init__(self) -> None:
        super().__init__(lambda job: job.export_id)

    def recent(self, limit: int, cursor: str | None = None) -> Page[ExportJob]:
        newest = sorted(self.rows.values(), key=lambda job: job.export_id, reverse=True)
        return _page(newest, limit, cursor)


class DirectoryFiles:
    """Uploads copy the file under `root`; a download URL is the file's path as a file:// URL."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.uploads: list[dict[str, Any]] = []

    def upload(self, path: Path, key: str, content_type: str, filename: str) -> int:
        target = self.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        self.uploads.append({"key": key, "content_type": content_type, "filename": filename})
        return target.stat().st_size

    def download_url(self, key: str, filename: str, seconds: int) -> str:
        return (self.root / key).as_uri() + f"?expires={seconds}"

    def read(self, key: str) -> bytes:
        return (self.root / key).read_bytes()


SEED_SHOP = "EXPORT-SEED"
SEED_SHOP_NAME = "导出测试旗舰店"


def seeded_paid_fen(i: int) -> int:
    return 10_000 + i * 7            # ¥100.00, ¥100.07, ...: every amount differs, some end in 0


def seed_orders(n: int) -> None:
    """N shipped orders of one shop written straight through the storage layer in batches, with their
    counters (the shop's and the global scopes, added to what the runtime already counts). Run where
    OMS_PREFIX and AWS_ENDPOINT_URL name the runtime's moto (`python -m tests.export_kit N`)."""
    from datetime import UTC, datetime, timedelta

    from chalicelib.domain.order_counters import contribution
    from chalicelib.domain.orders import Order, Receiver
    from chalicelib.domain.platform import Platform
    from chalicelib.domain.shops import Shop
    from chalicelib.domain.status import OrderStatus, ShopStatus
    from chalicelib.storage.models import OrderItem
    from chalicelib.storage.order_counters import add_totals
    from chalicelib.storage.orders import to_item
    from chalicelib.storage.shops import DynamoShopRepository
    from tests.factories import make_order

    shops = DynamoShopRepository()
    if shops.get(SEED_SHOP) is None:
        shops.add(Shop(SEED_SHOP, SEED_SHOP_NAME, Platform.JD, "seller-export", app_key="k",   # never pulled
                       status=ShopStatus.DISABLED, status_reason="seeded for an export test"))
    counters: dict[str, dict[str, int]] = {}
    start = datetime.now(UTC) - timedelta(days=3)
    with OrderItem.batch_write() as batch:
        for i in range(n):
            at = start + timedelta(seconds=i)
            order: Order = make_order(i, SEED_SHOP, platform=Platform.JD, order_no=f"EX{i:06d}",
                                      status=OrderStatus.SHIPPED, paid_fen=seeded_paid_fen(i), total_fen=20_000,
                                      created_at=at, modified_at=at, updated_at=at, paid_at=at,
                                      buyer_memo="请用顺丰，谢谢", receiver=Receiver("王*", "139****1234", "广东省",
                                                                                  "深圳市", "南山区", "科技园****"))
            batch.save(to_item(order, 1))
            for (scope, name), k in contribution(order).items():
                counters.setdefault(scope, {}).setdefault(name, 0)
                counters[scope][name] += k
    add_totals(counters)


if __name__ == "__main__":
    import sys
    seed_orders(int(sys.argv[1]))
