"""The ports' dataclasses travel through the codec (a query stored with an export job is decoded by
typing.get_type_hints), so their field types must resolve at run time, whatever the ports import for the
type checker only (services/ports.py keeps the domain's heavier modules out of a cold start)."""
from __future__ import annotations

import dataclasses
import importlib
import typing
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "chalicelib" / "services"
PORTS = sorted(p.stem for p in SERVICES.glob("*ports.py"))


@pytest.mark.parametrize("module", PORTS)
def test_GIVEN_a_ports_module_WHEN_its_dataclasses_hints_are_resolved_THEN_every_field_type_is_there(
        module: str) -> None:
    loaded = importlib.import_module(f"chalicelib.services.{module}")
    classes = [c for c in vars(loaded).values()
               if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == loaded.__name__]
    for cls in classes:
        typing.get_type_hints(cls)


def test_GIVEN_an_after_sales_query_WHEN_it_goes_through_the_codec_THEN_it_comes_back_equal() -> None:
    from chalicelib.codec import from_doc, to_doc
    from chalicelib.domain.status import AfterSaleStatus, AfterSaleType
    from chalicelib.services.ports import CaseQuery
    query = CaseQuery(shop_id="S1", type=AfterSaleType.REFUND_ONLY, status=AfterSaleStatus.REFUNDED, limit=20)
    assert from_doc(CaseQuery, to_doc(query)) == query
