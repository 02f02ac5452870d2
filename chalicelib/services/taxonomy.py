"""Categories (a tree without cycles, each with its spec attributes) and brands of the goods library."""
from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.goods import matrix
from chalicelib.domain.taxonomy import Brand, Category, check_parent, validate_name
from chalicelib.services.goods_ports import RecordStore


def _new_id() -> str:
    return uuid.uuid4().hex[:12]


def create_category(store: RecordStore[Category], category: Category) -> Category:
    category = replace(category, category_id=category.category_id or _new_id(), name=validate_name(category.name))
    matrix(category.specs)                      # the same limits as goods' specs
    check_parent(category.category_id, category.parent_id, store.get)
    store.add(category)
    return replace(category, revision=1)


def edit_category(store: RecordStore[Category], category_id: str, expected_revision: int,
                  changes: dict[str, Any]) -> Category:
    current = store.get(category_id)
    if current is None:
        raise NotFoundError(f"no category {category_id}", reason="category.not_found")
    changed = replace(current, **{k: v for k, v in changes.items() if k in ("name", "parent_id", "specs")})
    changed = replace(changed, name=validate_name(changed.name))
    matrix(changed.specs)
    check_parent(category_id, changed.parent_id, store.get)
    store.save(changed, expected_revision)
    return replace(changed, revision=expected_revision + 1)


def create_brand(store: RecordStore[Brand], brand: Brand) -> Brand:
    brand = replace(brand, brand_id=brand.brand_id or _new_id(), name=validate_name(brand.name))
    store.add(brand)
    return replace(brand, revision=1)


def edit_brand(store: RecordStore[Brand], brand_id: str, expected_revision: int, changes: dict[str, Any]) -> Brand:
    current = store.get(brand_id)
    if current is None:
        raise NotFoundError(f"no brand {brand_id}", reason="brand.not_found")
    changed = replace(current, **{k: v for k, v in changes.items() if k in ("name", "status")})
    store.save(replace(changed, name=validate_name(changed.name)), expected_revision)
    return replace(changed, revision=expected_revision + 1)
