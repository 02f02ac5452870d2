"""Goods + SKUs as .xlsx (openpyxl): the template reads back, an export edited and imported again updates
the library, a file with a wrong row reports every wrong row and stores nothing."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from chalicelib.services.goods import create_goods
from chalicelib.services.goods_xlsx import export, import_goods, parse, template
from tests.goods_kit import draft, goods_world


def _edit(raw: bytes, edits: dict[tuple[int, str], object], add: list[list[object]] | None = None) -> bytes:
    book = load_workbook(io.BytesIO(raw))
    sheet = book.active
    keys = [c.value for c in sheet[2]]
    for (row, key), value in edits.items():
        sheet.cell(row=row, column=keys.index(key) + 1, value=value)
    for values in add or []:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_given_the_template_when_imported_then_its_example_goods_is_created() -> None:
    deps = goods_world()
    report = import_goods(deps, parse(template()))
    assert report.ok and (report.goods_created, report.skus_created) == (1, 1), report.errors
    sku = deps.erp.get("TS001-红-M")
    assert (sku.price_fen, sku.cost_fen, sku.purchase_fen, sku.weight_g, sku.spec_values) == (5900, 2000, 1800, 250,
                                                                                              ("红", "M"))


def test_given_an_export_edited_when_imported_then_prices_and_barcodes_change_and_new_goods_are_created() -> None:
    deps = goods_world()
    goods, skus = create_goods(deps, draft())
    raw = export([(goods, skus)])
    assert len(parse(raw)) == 12
    edited = _edit(raw, {(3, "price"): "69.90", (4, "barcode"): "6900000000099"},
                   add=[["MUG", "马克杯", "个", "容量", "350ml", "", "", "", "", "MUG-350", "", "25", "8", "7", 400, 0,
                         "active"]])
    report = import_goods(deps, parse(edited))
    assert report.ok and (report.goods_created, report.skus_created, report.skus_updated) == (1, 1, 2), report.errors
    assert deps.erp.get("TS-000").price_fen == 6990 and deps.goods.holder_of("6900000000099") == "TS-001"
    assert deps.erp.get("MUG-350").price_fen == 2500
    assert import_goods(deps, parse(edited)).skus_updated == 0     # the same file again changes nothing


def test_given_wrong_rows_then_each_is_reported_and_nothing_is_imported() -> None:
    deps = goods_world()
    rows = [["A", "好货", "件", "颜色", "红", "", "", "", "", "A-1", "", "9.999", "", "", "", "", ""],
            ["B", "另一个", "件", "", "", "", "", "", "", "B-1", "", "5", "", "", "", "", ""],
            ["C", "第三个", "件", "", "", "", "", "", "", "B-1", "", "5", "", "", "", "", ""],
            ["D", "坏条码", "件", "", "", "", "", "", "", "D-1", "条码!", "5", "", "", "", "", ""]]
    raw = _edit(template(), {}, add=rows)
    report = import_goods(deps, parse(raw))
    assert not report.ok
    assert [(e["row"], e["reason"]) for e in report.errors] == [
        (4, "goods.bad_number"), (6, "goods.duplicate_code"), (7, "goods.bad_barcode")]
    assert deps.goods.list().items == [] and deps.erp.get("B-1") is None and deps.erp.get("TS001-红-M") is None


def test_given_a_file_that_is_not_a_workbook_then_refused_with_its_reason() -> None:
    import pytest

    from chalicelib.domain.errors import ValidationError
    with pytest.raises(ValidationError) as refused:
        parse(b"sku_code,name\nA,B\n")
    assert refused.value.reason == "goods.xlsx_invalid"
