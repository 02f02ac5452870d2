"""The goods library (商品库): a goods record (款) whose spec matrix (颜色 x 尺码...) generates its SKUs.

A library SKU IS the ERP SKU (domain/catalog.py ErpSku, extended): one identity, so links, bundles, stock
and the ERP API keep working on the same code. Money is integer fen."""
from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.errors import ValidationError

MAX_SKUS = 600                # a matrix over this is a typo, not a product (and a very long write)
MAX_ATTRIBUTES = 3
MAX_VALUES = 100
CODE = re.compile(r"^[^\s/\\#?%~][^\s/\\#?%]{0,63}$")
BARCODE = re.compile(r"^[0-9A-Za-z-]{1,64}$")
STATUSES = ("active", "disabled")


@dataclass(frozen=True)
class SpecAttribute:
    name: str                               # 颜色
    values: tuple[str, ...]                 # 红, 蓝, 黑


@dataclass(frozen=True)
class Goods:
    goods_id: str
    code: str                               # 款号
    name: str
    category_id: str = ""
    brand_id: str = ""
    supplier_ids: tuple[str, ...] = ()
    unit: str = "件"
    images: tuple[str, ...] = ()            # S3 keys of the originals (thumbnails beside them)
    description: str = ""
    status: str = "active"
    specs: tuple[SpecAttribute, ...] = ()
    sku_count: int = 0
    created_at: str = ""
    revision: int = 0


@dataclass(frozen=True)
class SkuDraft:
    """One cell of the matrix as the seller filled it in (prices in fen)."""
    spec_values: tuple[str, ...]
    sku_code: str
    barcode: str = ""
    price_fen: int = 0
    cost_fen: int = 0
    purchase_fen: int = 0
    weight_g: int = 0
    volume_cm3: int = 0
    status: str = "active"


@dataclass(frozen=True)
class GoodsDraft:
    goods: Goods
    skus: tuple[SkuDraft, ...] = field(default=())


def refuse(message: str, field_name: str, reason: str) -> ValidationError:
    return ValidationError(message, field=field_name, reason=reason)


def matrix(specs: tuple[SpecAttribute, ...]) -> list[tuple[str, ...]]:
    """Every combination of the attributes' values, in the order they were given."""
    if len(specs) > MAX_ATTRIBUTES:
        raise refuse(f"at most {MAX_ATTRIBUTES} spec attributes", "specs", "goods.too_many_attributes")
    size = 1
    for attribute in specs:
        _check_attribute(attribute)
        size *= len(attribute.values)
    if size > MAX_SKUS:
        raise refuse(f"the spec matrix makes {size} SKUs, at most {MAX_SKUS}", "specs", "goods.matrix_too_large")
    return list(itertools.product(*(a.values for a in specs)))


def _check_attribute(attribute: SpecAttribute) -> None:
    if not attribute.name.strip() or len(attribute.name) > 30:
        raise refuse("a spec attribute needs a name of 1-30 characters", "specs", "goods.bad_spec")
    if not attribute.values or len(attribute.values) > MAX_VALUES:
        raise refuse(f"spec {attribute.name}: 1-{MAX_VALUES} values", "specs", "goods.bad_spec")
    if len(set(attribute.values)) != len(attribute.values) or not all(v.strip() for v in attribute.values):
        raise refuse(f"spec {attribute.name}: values must be distinct and not empty", "specs", "goods.bad_spec")


def validate_goods(goods: Goods) -> Goods:
    if not CODE.match(goods.code):
        raise refuse("code: 1-64 characters, no spaces or / \\ # ? %", "code", "goods.bad_code")
    if not goods.name.strip() or len(goods.name) > 200:
        raise refuse("name: 1-200 characters", "name", "goods.bad_name")
    if goods.status not in STATUSES:
        raise refuse(f"status: one of {', '.join(STATUSES)}", "status", "goods.bad_status")
    if len(goods.images) > 10 or len(goods.supplier_ids) > 20:
        raise refuse("at most 10 images and 20 suppliers", "images", "goods.too_many")
    return goods


def validate_sku(sku: SkuDraft, where: str) -> None:
    if not CODE.match(sku.sku_code):
        raise refuse(f"{where}.sku_code: 1-64 characters, no spaces or / \\ # ? %", f"{where}.sku_code",
                     "goods.bad_sku_code")
    if sku.barcode and not BARCODE.match(sku.barcode):
        raise refuse(f"{where}.barcode: digits, letters and -", f"{where}.barcode", "goods.bad_barcode")
    for name in ("price_fen", "cost_fen", "purchase_fen", "weight_g", "volume_cm3"):
        if not 0 <= getattr(sku, name) <= 10**12:
            raise refuse(f"{where}.{name} must be zero or more", f"{where}.{name}", "goods.bad_number")
    if sku.status not in STATUSES:
        raise refuse(f"{where}.status: one of {', '.join(STATUSES)}", f"{where}.status", "goods.bad_status")


def validate_draft(draft: GoodsDraft) -> GoodsDraft:
    """The whole draft or a ValidationError naming the first wrong field: the matrix and the SKUs agree,
    codes and barcodes repeat nowhere within it."""
    validate_goods(draft.goods)
    cells = matrix(draft.goods.specs)
    if not draft.skus:
        raise refuse("goods need at least one SKU", "skus", "goods.no_skus")
    # every SKU is one cell; a cell may be left out (a colour not made in every size)
    cell_set = set(cells)
    seen_cells: set[tuple[str, ...]] = set()
    for i, sku in enumerate(draft.skus):
        if draft.goods.specs and (sku.spec_values not in cell_set or sku.spec_values in seen_cells):
            raise refuse(f"skus[{i}].spec_values must be a cell of the spec matrix, each once",
                         f"skus[{i}].spec_values", "goods.matrix_mismatch")
        seen_cells.add(sku.spec_values)
    if not draft.goods.specs and len(draft.skus) != 1:
        raise refuse("goods without specs have exactly one SKU", "skus", "goods.matrix_mismatch")
    seen_codes: dict[str, int] = {}
    seen_barcodes: dict[str, int] = {}
    for i, sku in enumerate(draft.skus):
        validate_sku(sku, f"skus[{i}]")
        _once(seen_codes, sku.sku_code, i, "sku_code", "goods.duplicate_code")
        if sku.barcode:
            _once(seen_barcodes, sku.barcode, i, "barcode", "goods.duplicate_barcode")
    return draft


def _once(seen: dict[str, int], value: str, i: int, name: str, reason: str) -> None:
    if value in seen:
        raise refuse(f"skus[{i}].{name} {value} repeats skus[{seen[value]}]", f"skus[{i}].{name}", reason)
    seen[value] = i


def spec_text(specs: tuple[SpecAttribute, ...], values: tuple[str, ...]) -> str:
    """The ERP SKU's readable spec: 颜色:红;尺码:M."""
    return ";".join(f"{a.name}:{v}" for a, v in zip(specs, values, strict=False))


def spec_pairs(goods: Goods, skus: Sequence[ErpSku]) -> list[tuple[str, str]]:
    """(attribute, value) of every spec value some SKU of the goods carries: what a search by spec
    value (颜色=红 or just 红) finds the goods by. Values of matrix cells left out are not indexed."""
    used = {(a.name, v) for s in skus for a, v in zip(goods.specs, s.spec_values, strict=False)}
    return sorted(used)


SPEC_QUERY = re.compile(r"^\s*([^=:：]{1,30}?)\s*[=:：]\s*(\S.*?)\s*$")


def spec_query(text: str) -> tuple[str, str]:
    """"颜色=红" (or 颜色:红, 颜色：红) -> ("颜色", "红"); a bare "红" -> ("", "红"): any attribute."""
    named = SPEC_QUERY.match(text)
    return (named.group(1), named.group(2)) if named else ("", text.strip())


def library_sku(goods: Goods, draft: SkuDraft) -> ErpSku:
    name = " ".join([goods.name, *draft.spec_values]) if draft.spec_values else goods.name
    return ErpSku(sku_code=draft.sku_code, name=name[:200], spec=spec_text(goods.specs, draft.spec_values),
                  barcode=draft.barcode, price_fen=draft.price_fen, goods_id=goods.goods_id,
                  spec_values=draft.spec_values, cost_fen=draft.cost_fen, purchase_fen=draft.purchase_fen,
                  weight_g=draft.weight_g, volume_cm3=draft.volume_cm3, status=draft.status)


def adopted_goods(sku: ErpSku, created_at: str) -> Goods:
    """The one-SKU goods an ERP SKU from before the library (or added by CSV / the ERP API) becomes."""
    return Goods(goods_id=adopted_id(sku.sku_code), code=sku.sku_code, name=sku.name, sku_count=1,
                 created_at=created_at)


def adopted_id(sku_code: str) -> str:
    """Derived from the code, so adopting twice (a rerun upgrade, two processes) makes one goods record."""
    return f"SKU.{sku_code}"
