"""The HTTP security headers, as pure data: the API's (api/http.py adds them to every answer), the admin
UI's (local/runtime/web.py serves them locally; infra's CloudFront response headers policy uses the same
values). No imports: infra/ and the local runtime read this without loading the app."""

# The print components (Cainiao, PDD, Douyin, JD, Kuaishou, WeChat...) listen on loopback WebSockets
# on ports of their own choosing: ws:// from an http page, wss:// from an https one.
PRINT_COMPONENT_SOURCES = ("ws://127.0.0.1:*", "ws://localhost:*", "wss://127.0.0.1:*", "wss://localhost:*")

# directive -> sources. connect-src: the deployment adds the API's origin when it is not the UI's own
# (CONNECT_SRC_EXTRA in the CloudFront policy); style 'unsafe-inline': component libraries set style
# attributes in markup; scripts stay 'self' only (the built bundle, no inline script, no eval).
CSP_DIRECTIVES: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'", "'unsafe-inline'"),
    "img-src": ("'self'", "data:", "blob:", "https:"),   # buyers' evidence photos on the platforms' CDNs
    "font-src": ("'self'", "data:"),
    "connect-src": ("'self'", *PRINT_COMPONENT_SOURCES),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}


def content_security_policy(connect_src_extra: tuple[str, ...] = ()) -> str:
    extra = {"connect-src": connect_src_extra}
    return "; ".join(f"{directive} {' '.join((*sources, *extra.get(directive, ())))}"
                     for directive, sources in CSP_DIRECTIVES.items())


# Only where the UI is served over https (CloudFront): a browser would ignore it over http anyway,
# and pinning localhost to https would break the local runtime for a year.
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"

UI_HEADERS: dict[str, str] = {
    "Content-Security-Policy": content_security_policy(),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

API_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


def ui_headers(https: bool) -> dict[str, str]:
    return {**UI_HEADERS, **({"Strict-Transport-Security": STRICT_TRANSPORT_SECURITY} if https else {})}
