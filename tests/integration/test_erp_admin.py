"""The admin side through the chalice test client on moto: ERP clients (secret shown once, rotation with
an overlap), manual shipments, the CSV export and the tracking-number import."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.domain.status import OrderStatus, ShipmentStatus
from tests import fakes
from tests.erp_kit import bearer, erp_app, moto_world, ready_order, signed


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    from datetime import UTC, datetime
    clock = fakes.FixedClock(datetime.now(UTC))
    with moto_world(clock=clock) as w, Client(erp_app(), stage_name="test") as client:
        yield {**w, "client": client, "clock": clock}


def post(w: dict[str, Any], path: str, body: Any, user: str = "root") -> Any:
    return w["client"].http.post(path, headers=bearer(user), body=json.dumps(body))


def test_given_a_new_client_then_the_secret_is_shown_once_and_works(world: dict[str, Any]) -> None:
    created = post(world, "/admin/erp/clients", {"name": "金蝶云", "scopes": ["orders"],
                                                 "webhook_url": "https://erp.example.test/hooks"})
    assert created.status_code == 201
    key_id, secret = created.json_body["client"]["key_id"], created.json_body["secret"]
    shown = world["client"].http.get(f"/admin/erp/clients/{key_id}", headers=bearer()).json_body
    assert "secret" not in json.dumps(shown).replace("valid_secrets", "").replace("old_secrets", "")
    assert signed(world["client"], key_id, secret, "GET", "/erp/v1/orders/none").status_code == 404
    listed = world["client"].http.get("/admin/erp/clients", headers=bearer()).json_body["items"]
    assert [c["key_id"] for c in listed] == [key_id]


def test_given_non_admins_then_client_routes_are_refused(world: dict[str, Any]) -> None:
    assert post(world, "/admin/erp/clients", {"name": "x", "scopes": ["orders"]}, user="ops").status_code == 403
    assert world["client"].http.get("/admin/erp/clients").status_code == 401


def test_given_a_plain_http_webhook_to_another_host_then_400(world: dict[str, Any]) -> None:
    response = post(world, "/admin/erp/clients", {"name": "x", "scopes": ["webhooks"],
                                                  "webhook_url": "http://erp.example.test/h"})
    assert response.status_code == 400 and response.json_body["error"]["fields"][0]["field"] == "webhook_url"


def test_given_a_rotation_then_both_secrets_work_until_the_overlap_ends(world: dict[str, Any]) -> None:
    created = post(world, "/admin/erp/clients", {"name": "ERP", "scopes": ["orders"]}).json_body
    key_id, old = created["client"]["key_id"], created["secret"]
    new = post(world, f"/admin/erp/clients/{key_id}/rotate", {"overlap_seconds": 600}).json_body["secret"]
    path = "/erp/v1/orders/none"
    assert signed(world["client"], key_id, old, "GET", path).status_code == 404
    assert signed(world["client"], key_id, new, "GET", path).status_code == 404
    world["clock"].advance(seconds=601)
    ts = int(world["clock"].now().timestamp())
    assert signed(world["client"], key_id, old, "GET", path, timestamp=ts).status_code == 401
    assert signed(world["client"], key_id, new, "GET", path, timestamp=ts).status_code == 404
    off = world["client"].http.delete(f"/admin/erp/clients/{key_id}", headers=bearer())
    assert off.json_body["active"] is False
    assert signed(world["client"], key_id, new, "GET", path, timestamp=ts).status_code == 401


def test_given_a_manual_shipment_marked_shipped_then_the_order_ships_without_the_platform(
        world: dict[str, Any]) -> None:
    order_id = ready_order()
    response = post(world, "/admin/shipments", {"order_id": order_id, "carrier_code": "EMS",
                                                "tracking_no": "EMS00001", "mark_shipped": True}, user="ops")
    assert response.status_code == 201 and response.json_body["shipment"]["status"] == "confirmed"
    assert bootstrap.orders().get(order_id).status is OrderStatus.SHIPPED
    assert post(world, "/admin/shipments", {"order_id": order_id, "carrier_code": "EMS",
                                            "tracking_no": "EMS00001"}, user="eye").status_code == 403


def test_given_orders_then_the_csv_export_lists_them_with_formulas_defused(world: dict[str, Any]) -> None:
    order_id = ready_order(buyer_memo="=HYPERLINK(\"http://x\")")
    response = world["client"].http.get("/admin/erp/orders.csv?status=awaiting_shipment", headers=bearer("ops"))
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.body.decode())))
    row = next(r for r in rows if r["order_id"] == order_id)
    assert row["buyer_memo"].startswith("'=")


def test_given_a_tracking_csv_then_bad_rows_reported_good_rows_applied_and_a_reimport_ships_nothing_twice(
        world: dict[str, Any]) -> None:
    first, second = ready_order(), ready_order()
    text = ("order_id,carrier_code,tracking_no,line_id,quantity\n"
            f"{first},ZTO,ZT000111,,\n"
            f"{second},XYZ,ZT000222,,\n"
            f"S1-nope,ZTO,ZT000333,,\n"
            f"{second},SF,SF000444,1,1\n"
            f"{second},SF,SF000444,1,9\n")
    headers = {**bearer("ops"), "Content-Type": "text/csv"}
    report = world["client"].http.post("/admin/shipments/import", headers=headers, body=text).json_body
    assert [a["rows"] for a in report["applied"]] == [[2]]
    assert [e["row"] for e in report["errors"]] == [3, 4, 5, 6]
    again = world["client"].http.post("/admin/shipments/import", headers=headers,
                                      body=text.splitlines()[0] + "\n" + text.splitlines()[1] + "\n").json_body
    assert again["applied"][0]["created"] is False
    assert [s.status for s in bootstrap.shipments().for_order(first)] == [ShipmentStatus.PENDING]
    assert bootstrap.shipments().for_order(second) == []
    bad = world["client"].http.post("/admin/shipments/import", headers=headers, body="a,b\n1,2\n")
    assert bad.status_code == 400
