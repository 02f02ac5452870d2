"""Goods + SKUs as an .xlsx sheet (openpyxl): one row per SKU, the goods' columns repeated, money in
yuan like the CSV files. The import checks every row first and reports each wrong one; then it writes
only when no row is wrong: new goods are created (each all-or-nothing), SKUs of goods already in the
library are updated (prices, barcode, weight, volume, status). A write that loses a race undoes the
file's earlier writes, so a file is imported whole or not at all."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.errors import ConflictError, DomainError, ValidationError
from chalicelib.domain.goods import Goods, GoodsDraft, SkuDraft, SpecAttribute, refuse, validate_draft, validate_sku
from chalicelib.services.goods import GoodsDeps, create_goods
from chalicelib.services.sheet_cells import writable

MAX_ROWS = 5000
COLUMNS = [("goods_code", "商品编码"), ("goods_name", "商品名称"), ("unit", "单位"),
           ("spec1_name", "规格1"), ("spec1", "规格1值"), ("spec2_name", "规格2"), ("spec2", "规格2值"),
           ("spec3_name", "规格3"), ("spec3", "规格3值"), ("sku_code", "SKU编码"), ("barcode", "条码"),
           ("price", "售价(元)"), ("cost", "成本价(元)"), ("purchase", "采购价(元)"), ("weight_g", "重量(g)"),
           ("volume_cm3", "体积(cm³)"), ("status", "状态")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def _workbook(rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook  # cold start: openpyxl ~150 ms, only spreadsheet requests pay
    book = Workbook()
    sheet = book.active
    sheet.title = "goods"
    sheet.append([zh for _, zh in COLUMNS])
    sheet.append([key for key, _ in COLUMNS])     # the machine names: what the import reads
    for row in rows:
        sheet.append([writable(value) for value in row])     # quoting formulas would break the round trip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template() -> bytes:
    example = ["TS001", "纯棉T恤", "件", "颜色", "红", "尺码", "M", "", "", "TS001-红-M", "6901234567890",
               "59.00", "20.00", "18.00", 250, 0, "active"]
    return _workbook([example])


def export(goods_and_skus: Iterable[tuple[Goods, Sequence[ErpSku]]]) -> bytes:
    rows = []
    for goods, skus in goods_and_skus:
        for sku in skus:
            specs: list[Any] = []
            for i in range(3):
                pair = (goods.specs[i].name, sku.spec_values[i]) if i < len(goods.specs) and i < len(
                    sku.spec_values) else ("", "")
                specs += list(pair)
            rows.append([goods.code, goods.name, goods.unit, *specs, sku.sku_code, sku.barcode, _yuan(sku.price_fen),
                         _yuan(sku.cost_fen), _yuan(sku.purchase_fen), sku.weight_g, sku.volume_cm3, sku.status])
    return _workbook(rows)


def parse(raw: bytes) -> list[tuple[int, dict[str, str]]]:
    """(row number, cells by machine name): the second row names the columns (either header row works)."""
    from openpyxl import load_workbook  # cold start: openpyxl ~150 ms, only spreadsheet requests pay
    try:
        sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:     # openpyxl raises many kinds for a file that is not a workbook
        raise refuse("the file is not an .xlsx workbook", "file", "goods.xlsx_invalid") from exc
    names = {zh: key for key, zh in COLUMNS} | {key: key for key, _ in COLUMNS}
    header: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else str(v).strip() for v in values]
        if not any(cells):
            continue
        if all(c in names or not c for c in cells):
            header = [names.get(c, "") for c in cells]
            continue
        if not header:
            raise refuse("the sheet has no header row", "file", "goods.xlsx_invalid")
        if len(rows) >= MAX_ROWS:
            raise refuse(f"at most {MAX_ROWS} rows", "file", "goods.xlsx_too_many")
        rows.append((number, {k: c for k, c in zip(header, cells, strict=False) if k}))
    return rows


@dataclass
class XlsxReport:
    ok: bool = True
    goods_created: int = 0
    skus_created: int = 0
    skus_updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)     # {"row", "field", "reason", "error"}


def _fen(text: str, name: str) -> int:
    try:
        value = Decimal(text or "0") * 100
    except InvalidOperation as exc:
        raise refuse(f"{name} is not an amount in yuan", name, "goods.bad_number") from exc
    if value != value.to_integral_value() or value < 0:
        raise refuse(f"{name}: yuan with at most 2 decimals, not negative", name, "goods.bad_number")
    return int(value)


def _int(text: str, name: str) -> int:
    try:
        return int(Decimal(text or "0"))
    except InvalidOperation as exc:
        raise refuse(f"{name} is not a number", name, "goods.bad_number") from exc


def _sku_draft(row: dict[str, str]) -> SkuDraft:
    values = tuple(row.get(f"spec{i}", "") for i in (1, 2, 3) if row.get(f"spec{i}_name", ""))
    draft = SkuDraft(values, row.get("sku_code", ""), row.get("barcode", ""), _fen(row.get("price", ""), "price"),
                     _fen(row.get("cost", ""), "cost"), _fen(row.get("purchase", ""), "purchase"),
                     _int(row.get("weight_g", ""), "weight_g"), _int(row.get("volume_cm3", ""), "volume_cm3"),
                     row.get("status", "") or "active")
    validate_sku(draft, "row")
    return draft


@dataclass
class _Plan:
    create: list[tuple[int, GoodsDraft]] = field(default_factory=list)     # (first row, draft)
    update: list[tuple[ErpSku, ErpSku]] = field(default_factory=list)      # (current, wanted)


def import_goods(deps: GoodsDeps, rows: Sequence[tuple[int, dict[str, str]]]) -> XlsxReport:
    report, groups = XlsxReport(), _groups(rows)
    plan = _plan(deps, groups, report)
    if report.errors:
        report.ok = False
        return report
    _apply(deps, plan, report)
    return report


def _groups(rows: Sequence[tuple[int, dict[str, str]]]) -> dict[str, list[tuple[int, dict[str, str]]]]:
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, row in rows:
        groups.setdefault(row.get("goods_code", ""), []).append((number, row))
    return groups


def _error(report: XlsxReport, row: int, exc: DomainError) -> None:
    report.errors.append({"row": row, "field": getattr(exc, "field", ""), "reason": exc.reason, "error": str(exc)})


def _plan(deps: GoodsDeps, groups: dict[str, list[tuple[int, dict[str, str]]]], report: XlsxReport) -> _Plan:
    plan, seen_codes = _Plan(), dict[str, int]()
    for code, members in groups.items():
        drafts: list[tuple[int, SkuDraft]] = []
        for number, row in members:
            try:
                draft = _sku_draft(row)
                if draft.sku_code in seen_codes:
                    raise refuse(f"sku_code repeats row {seen_codes[draft.sku_code]}", "sku_code",
                                 "goods.duplicate_code")
                seen_codes[draft.sku_code] = number
                drafts.append((number, draft))
            except ValidationError as exc:
                _error(report, number, exc)
        if len(drafts) != len(members):
            continue
        existing = [g for g in deps.goods.by_code(code, 5) if g.code == code] if code else []
        if existing:
            _plan_update(deps, existing[0], drafts, plan, report)
        else:
            _plan_create(deps, members, drafts, plan, report)
    return plan


def _plan_create(deps: GoodsDeps, members: list[tuple[int, dict[str, str]]], drafts: list[tuple[int, SkuDraft]],
                 plan: _Plan, report: XlsxReport) -> None:
    first_row, first = members[0]
    names = [first.get(f"spec{i}_name", "") for i in (1, 2, 3) if first.get(f"spec{i}_name", "")]
    specs = tuple(SpecAttribute(n, tuple(dict.fromkeys(d.spec_values[i] for _, d in drafts)))
                  for i, n in enumerate(names))
    goods = Goods("", first.get("goods_code", ""), first.get("goods_name", ""), unit=first.get("unit", "") or "件",
                  specs=specs)
    draft = GoodsDraft(goods, tuple(d for _, d in drafts))
    try:
        validate_draft(replace(draft, goods=replace(goods, goods_id="-")))
    except ValidationError as exc:
        _error(report, first_row, exc)
        return
    taken = deps.erp.get_many([d.sku_code for _, d in drafts])
    for number, d in drafts:
        if d.sku_code in taken:
            _error(report, number, refuse(f"SKU code {d.sku_code} is already in use", "sku_code", "goods.code_taken"))
        elif d.barcode and deps.goods.holder_of(d.barcode):
            _error(report, number, refuse(f"barcode {d.barcode} is already in use", "barcode", "goods.barcode_taken"))
    plan.create.append((first_row, draft))


def _plan_update(deps: GoodsDeps, goods: Goods, drafts: list[tuple[int, SkuDraft]], plan: _Plan,
                 report: XlsxReport) -> None:
    current = deps.erp.get_many([d.sku_code for _, d in drafts])
    for number, d in drafts:
        sku = current.get(d.sku_code)
        if sku is None or sku.goods_id != goods.goods_id:
            _error(report, number, refuse(f"{d.sku_code} is not a SKU of goods {goods.code}: add SKUs on the goods "
                                          "page", "sku_code", "goods.matrix_mismatch"))
            continue
        wanted = replace(sku, barcode=d.barcode, price_fen=d.price_fen, cost_fen=d.cost_fen,
                         purchase_fen=d.purchase_fen, weight_g=d.weight_g, volume_cm3=d.volume_cm3, status=d.status)
        if wanted.barcode != sku.barcode and wanted.barcode and deps.goods.holder_of(wanted.barcode):
            _error(report, number, refuse(f"barcode {d.barcode} is already in use", "barcode", "goods.barcode_taken"))
        elif wanted != sku:
            plan.update.append((sku, wanted))


def _apply(deps: GoodsDeps, plan: _Plan, report: XlsxReport) -> None:
    created: list[tuple[Goods, list[ErpSku]]] = []
    updated: list[tuple[ErpSku, ErpSku]] = []
    try:
        for _, draft in plan.create:
            created.append(create_goods(deps, draft))
        for current, wanted in plan.update:
            deps.goods.replace_sku(current, wanted)
            updated.append((current, replace(wanted, revision=current.revision + 1)))
    except DomainError as exc:
        for goods, skus in created:           # undo: the file goes in whole or not at all
            deps.goods.remove(goods, skus)
        for before, after in updated:
            deps.goods.replace_sku(after, replace(before, revision=after.revision))
        report.ok = False
        _error(report, 0, ConflictError(f"changed while importing, nothing imported: {exc}", reason="goods.xlsx_rows"))
        return
    report.goods_created = len(created)
    report.skus_created = sum(len(s) for _, s in created)
    report.skus_updated = len(updated)
