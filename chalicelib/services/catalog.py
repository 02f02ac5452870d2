"""The catalogs: each shop's products and SKUs pulled from its platform (upserted by platform SKU id, never
duplicated, auto-linked by merchant code), and the seller's ERP SKUs (created, edited, imported from CSV
with a row-by-row report, or upserted by the ERP API)."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal

from chalicelib.domain.catalog import ErpSku, ShopSku, keeping_library
from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.money import yuan_to_fen
from chalicelib.domain.shops import Shop
from chalicelib.services import csv_input
from chalicelib.services.links import LinkDeps, auto_link_codes, auto_link_skus, reresolve_shops
from chalicelib.services.platform_ports import PlatformClient
from chalicelib.services.platform_types import CanonicalProduct, CanonicalSku
from chalicelib.services.stock_ports import ErpSkuStore

BATCH = 100
MARGIN_SECONDS = 15.0
CODE = re.compile(r"^[^\s/\\#?%~][^\s/\\#?%]{0,63}$")


@dataclass
class PullCounts:
    fetched: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    orders_released: int = 0
    complete: bool = True


# ------------------------------------------------------------------ shop catalogs
def pull_catalog(deps: LinkDeps, shop: Shop, client: PlatformClient,
                 time_left: Callable[[], float] = lambda: 900.0) -> PullCounts:
    """Upserts every SKU the platform lists. Stops cleanly when time runs short (complete=False): every
    write is an upsert, so the next pull simply goes over the catalog again."""
    counts, seen, batch = PullCounts(), set(), []
    for product, sku in _skus(client.list_products()):
        if sku.platform_sku_id in seen:
            continue
        seen.add(sku.platform_sku_id)
        batch.append(_shop_sku(shop, product, sku))
        if len(batch) >= BATCH:
            _upsert_pulled(deps, batch, counts)
            batch = []
            if time_left() < MARGIN_SECONDS:
                counts.complete = False
                break
    _upsert_pulled(deps, batch, counts)
    # always, not only after new links: also catches orders that met a stale link cache or a timed-out link call
    counts.orders_released = reresolve_shops(deps, [shop.shop_id], "catalog_pull")   # 0 when queued
    return counts


def _skus(products: Iterable[CanonicalProduct]) -> Iterator[tuple[CanonicalProduct, CanonicalSku]]:
    for product in products:
        for sku in product.skus:
            yield product, sku


def _shop_sku(shop: Shop, product: CanonicalProduct, c: CanonicalSku) -> ShopSku:
    return ShopSku(shop_id=shop.shop_id, platform=shop.platform, platform_sku_id=c.platform_sku_id,
                   platform_product_id=c.platform_product_id or product.platform_product_id,
                   merchant_code=c.merchant_code.strip(), title=c.title or product.title, sku_name=c.sku_name,
                   price_fen=c.price_fen, platform_stock=c.stock, image_url=c.image_url)


def _upsert_pulled(deps: LinkDeps, pulled: list[ShopSku], counts: PullCounts) -> None:
    counts.fetched += len(pulled)
    stored = {s.platform_sku_id: s for s in (deps.catalog.get(p.shop_id, p.platform_sku_id) for p in pulled) if s}
    fresh: list[ShopSku] = []
    for sku in pulled:
        current = stored.get(sku.platform_sku_id)
        if current is None:
            fresh.append(_add(deps, sku))
            counts.added += 1
            continue
        merged = replace(current, **{f.name: getattr(sku, f.name) for f in fields(ShopSku)
                                     if f.name not in ("links", "link_source", "revision")})
        if merged == current:
            counts.unchanged += 1
        else:
            _save(deps, merged, current.revision)
            counts.updated += 1
            merged = replace(merged, revision=current.revision + 1)
        fresh.append(merged)
    counts.linked += len(auto_link_skus(deps, fresh))


def _add(deps: LinkDeps, sku: ShopSku) -> ShopSku:
    try:
        deps.catalog.add(sku)
        return replace(sku, revision=1)
    except ConflictError:   # a concurrent pull added it: update that one instead
        current = deps.catalog.get(sku.shop_id, sku.platform_sku_id)
        assert current is not None
        merged = replace(sku, links=current.links, link_source=current.link_source, revision=current.revision)
        _save(deps, merged, current.revision)
        return replace(merged, revision=current.revision + 1)


def _save(deps: LinkDeps, sku: ShopSku, revision: int) -> None:
    with suppress(ConflictError):   # linked or pulled meanwhile: the next pull brings the platform's fields
        deps.catalog.save(sku, revision)


# ------------------------------------------------------------------ the ERP catalog
def validate_erp_sku(sku: ErpSku) -> ErpSku:
    if not CODE.match(sku.sku_code):
        raise ValidationError("sku_code: 1-64 characters, no spaces or / \\ # ? % and no leading ~",
                              field="sku_code", reason="sku.code_invalid")
    if not sku.name.strip() or len(sku.name) > 200:
        raise ValidationError("name: 1-200 characters", field="name", reason="sku.name_invalid")
    if sku.price_fen < 0:
        raise ValidationError("price must be zero or more", field="price_fen", reason="sku.price_negative")
    return sku


Library = Callable[[Sequence[ErpSku]], object]   # new SKUs become one-SKU goods of the library (goods.adopt_loose)


def create_erp_sku(erp: ErpSkuStore, links: LinkDeps, sku: ErpSku, library: Library | None = None) -> ErpSku:
    erp.add(validate_erp_sku(sku))
    created = replace(sku, revision=1)
    if library is not None:
        library([created])
        created = erp.get(sku.sku_code) or created
    auto_link_codes(links, [sku.sku_code])
    return created


def edit_erp_sku(erp: ErpSkuStore, sku_code: str, expected_revision: int, **changes: object) -> ErpSku:
    current = erp.get(sku_code)
    if current is None:
        raise NotFoundError(f"no ERP SKU {sku_code}", reason="sku.not_found")
    changed = validate_erp_sku(replace(current, **{k: v for k, v in changes.items() if v is not None}))  # type: ignore[arg-type]
    erp.save(changed, expected_revision)
    return replace(changed, revision=expected_revision + 1)


def upsert_erp_sku(erp: ErpSkuStore, links: LinkDeps, sku: ErpSku, library: Library | None = None
                   ) -> tuple[str, ErpSku]:
    """The ERP API's write: ("created" | "updated" | "unchanged", the SKU). Safe to repeat."""
    outcome, stored = _upsert_erp(erp, sku)
    if outcome == "created":
        if library is not None:
            library([stored])
            stored = erp.get(sku.sku_code) or stored
        auto_link_codes(links, [sku.sku_code])
    return outcome, stored


def _upsert_erp(erp: ErpSkuStore, sku: ErpSku) -> tuple[str, ErpSku]:
    validate_erp_sku(sku)
    for _ in range(5):
        current = erp.get(sku.sku_code)
        try:
            if current is None:
                erp.add(sku)
                return "created", replace(sku, revision=1)
            wanted = replace(keeping_library(sku, current), revision=current.revision)
            if wanted == current:
                return "unchanged", current
            erp.save(wanted, current.revision)
            return "updated", replace(wanted, revision=current.revision + 1)
        except ConflictError:
            continue
    raise ConflictError(f"ERP SKU {sku.sku_code} kept changing")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    rows: list[dict[str, object]] = field(default_factory=list)   # one entry per data row


Row = tuple[int, dict[str, str] | str]


def import_erp_skus(erp: ErpSkuStore, links: LinkDeps, rows: Iterable[Row], library: Library | None = None
                    ) -> ImportReport:
    """rows: (line number, parsed fields or the parse error). Each row stands alone. The file's SKUs are
    read in batches and the new ones added a hundred per conditional transaction (a request of 5,000 rows
    one by one took minutes); a row that lost a race goes through the one-by-one upsert. New SKUs join the
    goods library (`library`) a few dozen per transaction."""
    report, first_line, valid = ImportReport(), dict[str, int](), list[tuple[int, ErpSku]]()
    outcomes: dict[int, dict[str, object]] = {}
    for line, parsed in rows:
        try:
            if isinstance(parsed, str):
                raise ValidationError(parsed, field="row")
            sku = _row_sku(parsed)
            if sku.sku_code in first_line:
                raise ValidationError(f"sku_code repeats line {first_line[sku.sku_code]}", field="sku_code")
            first_line[sku.sku_code] = line
            valid.append((line, sku))
        except ValidationError as exc:
            outcomes[line] = {"line": line, "ok": False, "field": exc.field, "error": str(exc)}
    for line, outcome in _store_all(erp, valid).items():
        outcomes[line] = outcome
    for line in sorted(outcomes):
        row = outcomes[line]
        field_name = "failed" if not row["ok"] else str(row["result"])
        setattr(report, field_name, getattr(report, field_name) + 1)
        report.rows.append(row)
    created = [str(r["sku_code"]) for r in report.rows if r.get("result") == "created"]
    if created and library is not None:
        by_code = {sku.sku_code: sku for _, sku in valid}
        library([replace(by_code[code], revision=1) for code in created])
    if created:
        auto_link_codes(links, created)    # once for the whole file, not per row
    return report


def _store_all(erp: ErpSkuStore, valid: list[tuple[int, ErpSku]]) -> dict[int, dict[str, object]]:
    stored = erp.get_many(sku.sku_code for _, sku in valid)
    refused = erp.add_many([sku for _, sku in valid if sku.sku_code not in stored])
    out: dict[int, dict[str, object]] = {}
    for line, sku in valid:
        current = stored.get(sku.sku_code)
        try:
            if current is None and sku.sku_code not in refused:
                outcome = "created"
            elif current is not None and replace(keeping_library(sku, current), revision=current.revision) == current:
                outcome = "unchanged"
            elif current is not None:
                erp.save(replace(keeping_library(sku, current), revision=current.revision), current.revision)
                outcome = "updated"
            else:
                outcome, _ = _upsert_erp(erp, sku)
        except ConflictError:
            try:
                outcome, _ = _upsert_erp(erp, sku)       # changed meanwhile: read it again
            except ConflictError as exc:
                out[line] = {"line": line, "ok": False, "field": "", "error": str(exc)}
                continue
        out[line] = {"line": line, "ok": True, "sku_code": sku.sku_code, "result": outcome}
    return out


def _row_sku(row: dict[str, str]) -> ErpSku:
    return validate_erp_sku(ErpSku(sku_code=row.get("sku_code", "").strip(), name=row.get("name", "").strip(),
                                   spec=row.get("spec", "").strip(), barcode=row.get("barcode", "").strip(),
                                   price_fen=_price_cell(row.get("price_fen", ""), row.get("price", ""))))


def _price_cell(fen: str, yuan: str) -> int:
    """The CSV row's price: the price_fen column as it is, else the price column in yuan."""
    try:
        if fen.strip():
            return int(fen)
        if not yuan.strip():
            return 0
        price = yuan_to_fen(yuan)
    except ValueError as exc:
        raise ValidationError("price is not a number", field="price") from exc
    # a seller's own price list: a sub-fen price is a typo to point out, not a sum to round
    if Decimal(yuan.strip()) * 100 != price:
        raise ValidationError("price: at most 2 decimals (yuan)", field="price")
    return price


MAX_IMPORT_ROWS = 5000
HEADERS = {"sku_code": ("sku_code", "code", "编码", "商品编码", "sku编码", "规格编码"),
           "name": ("name", "名称", "商品名称"), "spec": ("spec", "规格"), "barcode": ("barcode", "条码"),
           "price": ("price", "价格", "售价"), "price_fen": ("price_fen",)}


def parse_csv(raw: bytes) -> list[tuple[int, dict[str, str] | str]]:
    """(line number, fields or the reason the row is unusable). UTF-8 (with or without Excel's BOM) or
    GB18030, which is what Excel writes on a Chinese Windows."""

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header = csv_input.next_row(reader, "file")
    if not header:
        raise ValidationError("the CSV file is empty", field="file")
    columns = {_column(name): i for i, name in enumerate(header) if _column(name)}
    if "sku_code" not in columns or "name" not in columns:
        raise ValidationError("the CSV header needs sku_code and name columns", field="header")
    rows: list[tuple[int, dict[str, str] | str]] = []
    for values in csv_input.rows(reader, "file"):
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_IMPORT_ROWS:
            raise ValidationError(f"at most {MAX_IMPORT_ROWS} rows per file", field="file")
        if len(values) < len(header):
            rows.append((line, f"{len(values)} columns, the header has {len(header)}"))
            continue
        rows.append((line, {key: values[i] for key, i in columns.items()}))
    return rows


def _column(name: str) -> str:
    cleaned = name.strip().lower()
    return next((key for key, aliases in HEADERS.items() if cleaned in aliases), "")
