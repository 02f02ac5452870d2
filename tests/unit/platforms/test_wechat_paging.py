"""next_key paging: every page once, duplicates dropped, the product list's missing has_more handled."""
from __future__ import annotations

import pytest

from chalicelib.platforms.wechat.paging import walk_ids
from chalicelib.services.platform_errors import TransientError


class Pages:
    def __init__(self, pages: list[dict]) -> None:
        self.pages = pages
        self.requests: list[dict] = []

    def __call__(self, path: str, body: dict) -> dict:
        self.requests.append(dict(body))
        return self.pages[len(self.requests) - 1]


def test_given_has_more_pages_then_next_key_is_sent_back_and_duplicates_dropped():
    pages = Pages([{"order_id_list": ["1", "2"], "next_key": "k1", "has_more": True},
                   {"order_id_list": ["2", "3"], "next_key": "k2", "has_more": False}])
    assert walk_ids(pages, "/p", {"page_size": 2}, "order_id_list") == ["1", "2", "3"]
    assert pages.requests == [{"page_size": 2}, {"page_size": 2, "next_key": "k1"}]


def test_given_the_product_list_without_has_more_then_paging_stops_at_the_empty_page():
    pages = Pages([{"product_ids": [11, 12], "next_key": "2", "total_num": 3},
                   {"product_ids": [13], "next_key": "3", "total_num": 3},
                   {"product_ids": [], "next_key": "3", "total_num": 3}])
    assert walk_ids(pages, "/p", {"page_size": 2}, "product_ids") == ["11", "12", "13"]


def test_given_a_cursor_that_does_not_advance_then_a_transient_error_not_a_loop():
    pages = Pages([{"ids": ["1"], "next_key": "k", "has_more": True}, {"ids": ["1"], "next_key": "k", "has_more": True}])
    with pytest.raises(TransientError):
        walk_ids(pages, "/p", {}, "ids")
