"""What an index holds besides the keys, where not the whole item (infra/tables.py builds the tables from
this, storage/models.py the pynamodb indexes). An order's indexes carry only what the list filters read:
an index copy is written, and paid for per started KB, on every change of an order, so a 1.2 KB order
would cost 2 write units per index where its filter fields cost 1. A list page queries the index, then
reads exactly the page's orders by key."""

ORDER_FILTERS = ("shop_id", "status", "holds", "held", "platform", "erp_handoff", "tracking_no", "search")

INDEX_PROJECTIONS: dict[str, tuple[str, ...]] = {"orders": ORDER_FILTERS}
