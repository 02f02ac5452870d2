"""pynamodb model of the goods table (infra/tables.py): one item type per key prefix.
  GOODS#<id>      a goods record (kind GOODS, sort_key = its name, code = its 款号)
  CATEGORY#<id>   a category; BRAND#<id> a brand; SUPPLIER#<id> a supplier (kind and sort_key = the name)
  BARCODE#<code>  who holds a barcode: the uniqueness item a library SKU's write claims under a condition"""
from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.storage.models import index_meta, table_meta


class _Kind(GlobalSecondaryIndex["GoodsItem"]):
    Meta = index_meta("by_kind")
    kind = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)


class _Code(GlobalSecondaryIndex["GoodsItem"]):
    Meta = index_meta("by_code")
    code_kind = UnicodeAttribute(hash_key=True)
    code = UnicodeAttribute(range_key=True)


class GoodsItem(Model):
    Meta = table_meta("goods")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    goods_key = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(null=True)
    sort_key = UnicodeAttribute(null=True)
    code_kind = UnicodeAttribute(null=True)
    code = UnicodeAttribute(null=True)
    holder = UnicodeAttribute(null=True)          # BARCODE#: the SKU code holding it
    revision = NumberAttribute(null=True)
    doc = JSONAttribute(null=True)

    by_kind = _Kind()
    by_code = _Code()
