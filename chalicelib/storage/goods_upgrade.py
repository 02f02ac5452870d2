"""The goods library upgrade: every ERP SKU stored before the library (or added since by CSV or the ERP
API) becomes the only SKU of a goods record derived from its code (services/goods.py adopt_loose), its
barcode claimed when no other SKU holds it. Each adoption is one conditional transaction, so a SKU edited
meanwhile is left for the next run; running it again adopts only what is still loose.
`python -m chalicelib.storage.goods_upgrade` against a stage's tables (or `python -m infra.deploy
upgrade-goods <stage>`); the local runtime runs it on start when the by_goods index is new, and
index_specs() on every other start (one key read once done)."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from chalicelib.codec import from_doc
from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.goods import Goods
from chalicelib.services.goods import adopt_loose
from chalicelib.storage.catalog_models import ErpSkuItem
from chalicelib.storage.erp_skus import CATALOG
from chalicelib.storage.goods import DynamoGoodsRepository, spec_items
from chalicelib.storage.goods_models import GoodsItem

SPEC_MARKER = "UPGRADE#spec-index"      # present: every goods has its SPEC# items (new ones get them on create)

log = logging.getLogger("oms.storage.goods_upgrade")


def loose_skus() -> list[ErpSku]:
    """ERP SKUs without goods, through the catalog index (a Query, never a Scan)."""
    return [from_doc(ErpSku, item.doc) for item in ErpSkuItem.by_catalog.query(CATALOG)
            if item.goods_id is None]


def index_specs() -> int:
    """Goods created before the search by spec value get their SPEC# index items, once: a marker item
    says it was done (one key read on later runs). Puts are idempotent, so a run stopped half-way is
    simply run again. Returns how many goods were indexed."""
    if _marked():
        return 0
    indexed = 0
    repo = DynamoGoodsRepository()
    with GoodsItem.batch_write() as batch:
        for item in GoodsItem.by_kind.query("GOODS"):
            goods = from_doc(Goods, item.doc)
            if goods.specs:
                for spec in spec_items(goods, repo.skus_of(goods.goods_id)):
                    batch.save(spec)
                indexed += 1
    GoodsItem(SPEC_MARKER).save()
    return indexed


def _marked() -> bool:
    try:
        GoodsItem.get(SPEC_MARKER, consistent_read=True)
        return True
    except GoodsItem.DoesNotExist:
        return False


def upgrade_goods() -> dict[str, int]:
    counts = adopt_loose(DynamoGoodsRepository(), datetime.now(UTC).isoformat(), loose_skus())
    if counts["adopted"] or counts["barcode_taken"]:
        log.info("ERP SKUs adopted into the goods library", extra=counts)
    counts["spec_indexed"] = index_specs()
    return counts


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(upgrade_goods())
