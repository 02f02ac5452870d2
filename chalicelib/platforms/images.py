"""Product images on the platforms' CDNs, copied into the goods library when shop goods are pushed to it.

The URL comes from a platform's payload, so it is fetched only if it names that platform's own image CDN
over https (no request to an address an attacker could put in a product field: the Lambda would otherwise
reach anything it can reach). A shop served by a local sandbox (its base_url set) has its images fetched
through the sandbox's stand-in CDN (`<base_url>/_cdn/<host>/<path>`, local/sandbox/core.py): nothing here
reaches the internet."""
from __future__ import annotations

from urllib.parse import urlsplit

import httpx

MAX_BYTES = 5 * 1024 * 1024         # as an uploaded image (services/goods_images.py)
TIMEOUT = 10.0
JD_IMAGES = "https://img10.360buyimg.com/n1/"      # JD's `logo` is a path under its image servers

CDN_HOSTS = {       # the host names (and their sub-domains) each platform serves product images from
    "taobao": ("alicdn.com", "taobaocdn.com"),
    "jd": ("360buyimg.com",),
    "pdd": ("pddpic.com", "yangkeduo.com"),
    "douyin": ("ecombdimg.com", "douyinpic.com", "byteimg.com"),
    "wechat": ("mmecimage.cn", "qpic.cn", "qlogo.cn"),
    "kuaishou": ("yximgs.com", "kwaicdn.com", "ecukwai.com"),
    "xhs": ("xhscdn.com", "xiaohongshu.com"),
}


def fetch_url(platform: str, url: str, sandbox_base: str = "") -> str | None:
    """Where to fetch a product image from, or None when the URL is not the platform's image CDN."""
    url = url.strip()
    if platform == "jd" and url and "://" not in url:
        url = JD_IMAGES + url.lstrip("/")
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    allowed = CDN_HOSTS.get(platform, ())
    if parts.scheme != "https" or parts.port not in (None, 443) or parts.username or parts.password \
            or not any(host == h or host.endswith("." + h) for h in allowed):
        return None
    if sandbox_base:
        return f"{sandbox_base.rstrip('/')}/_cdn/{host}{parts.path}"
    return url


def download(url: str) -> bytes | None:
    """The image's bytes, or None when the CDN refuses it for good (4xx) or it is over the limit; a network
    error or a 5xx raises (the queue retries)."""
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client, client.stream("GET", url) as response:
        if 400 <= response.status_code < 500 or 300 <= response.status_code < 400:
            return None
        response.raise_for_status()
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_BYTES:
                return None
        return bytes(body)
