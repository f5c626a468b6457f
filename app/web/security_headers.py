"""Security headers and a strict Content-Security-Policy on every response."""
from __future__ import annotations

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "media-src 'self' blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def csp_allowing_script(source: str) -> str:
    """The policy with one more script source (an inline script's 'sha256-...' hash)."""
    return CSP.replace("script-src 'self';", f"script-src 'self' {source};", 1)


def init_app(app) -> None:
    """Add the headers after every request."""

    @app.after_request
    def add_security_headers(response):
        """Every response: CSP, no sniffing, no framing, no referrer leaks."""
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
