"""Categories (a tree, each with the spec attributes its goods use) and brands of the goods library."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.domain.goods import SpecAttribute, refuse

MAX_DEPTH = 6


@dataclass(frozen=True)
class Category:
    category_id: str
    name: str
    parent_id: str = ""                      # "": a root
    specs: tuple[SpecAttribute, ...] = ()    # 颜色 [红, 蓝], 尺码 [S, M, L]
    revision: int = 0


@dataclass(frozen=True)
class Brand:
    brand_id: str
    name: str
    status: str = "active"
    revision: int = 0


def check_parent(category_id: str, parent_id: str, parent_of: Callable[[str], Category | None]) -> None:
    """Refuses a parent that does not exist, is the category itself or one of its descendants (a cycle),
    or would make the tree deeper than MAX_DEPTH. Walks up from the parent: one read per level."""
    seen, current = 0, parent_id
    while current:
        if current == category_id:
            raise refuse("a category cannot be its own ancestor", "parent_id", "category.cycle")
        seen += 1
        if seen >= MAX_DEPTH:
            raise refuse(f"categories nest at most {MAX_DEPTH} deep", "parent_id", "category.too_deep")
        parent = parent_of(current)
        if parent is None:
            raise refuse(f"no category {current}", "parent_id", "category.no_parent")
        current = parent.parent_id


def validate_name(name: str, field_name: str = "name") -> str:
    if not name.strip() or len(name) > 100 or "#" in name:
        raise refuse("name: 1-100 characters, no #", field_name, "record.bad_name")
    return name.strip()
