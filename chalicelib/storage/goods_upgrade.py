"""The goods library upgrade: every ERP SKU stored before the library (or added since by CSV or the ERP
API) becomes the only SKU of a goods record derived from its code (services/goods.py adopt_loose), its
barcode claimed when no other SKU holds it. Each adoption is one conditional transaction, so a SKU edited
meanwhile is left for the next run; running it again adopts only what is still loose.
`python -m chalicelib.storage.goods_upgrade` against a stage's tables (or `python -m infra.deploy
upgrade-goods <stage>`); the local runtime runs it on start when the by_goods index is new."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from chalicelib.codec import from_doc
from chalicelib.domain.catalog import ErpSku
from chalicelib.services.goods import adopt_loose
from chalicelib.storage.catalog_models import ErpSkuItem
from chalicelib.storage.erp_skus import CATALOG
from chalicelib.storage.goods import DynamoGoodsRepository

log = logging.getLogger("oms.storage.goods_upgrade")


def loose_skus() -> list[ErpSku]:
    """ERP SKUs without goods, through the catalog index (a Query, never a Scan)."""
    return [from_doc(ErpSku, item.doc) for item in ErpSkuItem.by_catalog.query(CATALOG)
            if item.goods_id is None]


def upgrade_goods() -> dict[str, int]:
    counts = adopt_loose(DynamoGoodsRepository(), datetime.now(UTC).isoformat(), loose_skus())
    if counts["adopted"] or counts["barcode_taken"]:
        log.info("ERP SKUs adopted into the goods library", extra=counts)
    return counts


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(upgrade_goods())
