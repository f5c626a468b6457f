"""`abhyas bench sync --servers N [--database-url URL]`: the sync bench through several servers on one database."""
from __future__ import annotations

import pytest

from app import cli
from app.db import connect
from bench import sync_ingest
from tests.teacher_fixtures import make_user


def _env(target: str) -> dict:
    return {"ABHYAS_DATABASE_URL": target} if target.startswith("postgresql://") else {"ABHYAS_DB": target}


def test_phones_spread_over_two_servers_lose_nothing_and_double_nothing(new_database):
    target = new_database()
    url = target if target.startswith("postgresql://") else None
    figures = sync_ingest.run_sync_bench(clients=6, batches=2, paced_seconds=1.0, servers=2, database_url=url)
    assert figures["servers"] == 2 and figures["engine"] == ("postgresql" if url else "sqlite")
    assert figures["events"] == 6 * 3 * 50 and figures["lost"] == 0 and figures["duplicated"] == 0
    assert figures["errors"] == 0 and figures["events_per_s"] > 0


def test_a_database_holding_data_is_refused(new_database):
    target = new_database()
    make_user(connect(target), "someone")
    with pytest.raises(ValueError, match="the bench needs an empty database; this one holds 1 accounts"):
        sync_ingest._require_empty(_env(target))


@pytest.mark.parametrize("args, message", [
    (["--servers", "0"], "abhyas: --servers must be at least 1\n"),
    (["--database-url", "sqlite:///tmp/x.db"], "abhyas: --database-url must be a postgresql:// URL"),
])
def test_bad_options_are_one_line(args, message, capsys):
    assert cli.main(["bench", "sync", "--json", *args]) == 1
    assert capsys.readouterr().err.startswith(message)
