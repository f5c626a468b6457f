"""The client's address behind the TLS proxy: believed from a trusted peer only, and only the proxy's own entry."""
from __future__ import annotations

import pytest

from app.web.proxy import client_address


@pytest.fixture
def who(app):
    """A client for the app with a route that answers the client address the server sees."""
    app.add_url_rule("/_who", "who", lambda: client_address())
    return app.test_client()


def ask(client, peer: str, forwarded: str | None = None) -> str:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return client.get("/_who", headers=headers, environ_base={"REMOTE_ADDR": peer}).get_data(as_text=True)


def test_a_trusted_proxy_gives_the_address_it_appended(who, monkeypatch):
    """From the proxy: the last X-Forwarded-For entry; the ones to its left came from the client."""
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "127.0.0.1, 10.1.1.1")
    assert ask(who, "127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert ask(who, "10.1.1.1", "forged, 198.51.100.2") == "198.51.100.2"
    assert ask(who, "127.0.0.1") == "127.0.0.1", "no header: the peer itself"


def test_an_untrusted_peer_is_taken_at_its_word_only_for_itself(who, monkeypatch):
    """A forged X-Forwarded-For from anyone else is ignored."""
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "127.0.0.1")
    assert ask(who, "192.0.2.50", "10.0.0.1") == "192.0.2.50"


def test_the_setting_is_read_per_request_and_star_trusts_any_peer(who, monkeypatch):
    """FORWARDED_ALLOW_IPS as gunicorn reads it: unset means 127.0.0.1; `*` believes every peer."""
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    assert ask(who, "127.0.0.1", "203.0.113.9") == "203.0.113.9"
    assert ask(who, "192.0.2.50", "203.0.113.9") == "192.0.2.50"
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    assert ask(who, "192.0.2.50", "203.0.113.9") == "203.0.113.9"
