"""The platforms a shop can live on, with the seed's numeric ids kept for imports from the Java system."""
from __future__ import annotations

from enum import StrEnum


class Platform(StrEnum):
    TAOBAO = "taobao"
    JD = "jd"
    PDD = "pdd"
    DOUYIN = "douyin"
    WECHAT = "wechat"
    KUAISHOU = "kuaishou"
    XHS = "xhs"
    OFFLINE = "offline"


# Seed V1 ids (s_shop_platform.id) and V3 ids (o_shop_platform), for data migration.
SEED_V1_IDS: dict[int, Platform] = {
    2: Platform.WECHAT, 3: Platform.JD, 4: Platform.TAOBAO, 5: Platform.PDD,
    6: Platform.DOUYIN, 7: Platform.XHS, 8: Platform.KUAISHOU, 99: Platform.OFFLINE,
}
SEED_V3_IDS: dict[int, Platform] = {
    100: Platform.TAOBAO, 200: Platform.JD, 300: Platform.PDD, 400: Platform.DOUYIN,
    500: Platform.WECHAT, 600: Platform.KUAISHOU, 700: Platform.XHS, 999: Platform.OFFLINE,
}
