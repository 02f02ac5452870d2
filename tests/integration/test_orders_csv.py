"""The orders CSV opens right in Excel (UTF-8 with a BOM, Chinese headers, money in yuan with two decimals),
and the same file, filled in with carriers and tracking numbers, imports back."""
from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.services.erp_csv import yuan
from tests.erp_kit import bearer, erp_admin_world, ready_order  # noqa: F401  (the world fixture)

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(("fen", "text"), [(0, "0.00"), (5, "0.05"), (12345, "123.45"), (100, "1.00"), (-5, "-0.05")])
def test_GIVEN_fen_THEN_yuan_with_two_decimals_exactly(fen: int, text: str) -> None:
    assert yuan(fen) == text


def test_GIVEN_orders_WHEN_exported_THEN_bom_chinese_headers_and_yuan_and_the_file_imports_back(
        world: dict[str, Any]) -> None:
    order_id = ready_order()
    paid = bootstrap.orders().get(order_id).paid_fen
    response = world["client"].http.get("/admin/erp/orders.csv?status=awaiting_shipment", headers=bearer("ops"))
    assert response.status_code == 200
    assert response.body.startswith("\ufeff".encode())
    text = response.body.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header[:3] == ["订单ID", "订单号", "店铺ID"] and "实付金额(元)" in header and "运单号" in header
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["订单ID"] == order_id)
    assert row["实付金额(元)"] == f"{paid // 100}.{paid % 100:02d}"

    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerow({**row, "快递公司编码": "ZTO", "运单号": "ZT990001"})
    imported = world["client"].http.post("/admin/shipments/import", body=out.getvalue().encode(),
                                         headers={**bearer("ops"), "Content-Type": "text/csv"})
    assert imported.status_code == 200, imported.body
    assert imported.json_body["errors"] == [] and len(imported.json_body["applied"]) == 1
    shipment = bootstrap.shipments().for_order(order_id)[0]
    assert (shipment.tracking_no, shipment.source) == ("ZT990001", "csv:user:ops")
