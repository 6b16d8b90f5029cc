"""The parts of backup and restore that need no database: how pg_dump is handed the
password (never on a command line others can read), and how a backup older than a
witness's head is told."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from sqlalchemy import make_url

from sop_runtime.service.restore import WitnessCheck, loss_text
from sop_runtime.store.pg_copy import _libpq

WHEN = datetime(2026, 12, 1, 1, tzinfo=UTC)


def test_the_password_goes_to_pg_dump_in_its_environment_only() -> None:
    uri, env = _libpq(make_url(
        "postgresql+psycopg://sop:rahasia%40pn@db-host:5433/sop?options=-csearch_path%3Dx"))
    assert "rahasia" not in uri and env["PGPASSWORD"] == "rahasia@pn"
    assert uri.startswith("postgresql://sop@db-host:5433/sop?")
    assert "options=" in uri  # the URL's own settings go along
    uri, env = _libpq(make_url("postgresql+psycopg://postgres@127.0.0.1/test"))
    assert uri == "postgresql://postgres@127.0.0.1/test"
    assert env.get("PGPASSWORD") == os.environ.get("PGPASSWORD")  # as it was


def test_what_an_older_backup_lacks_is_told_as_it_is() -> None:
    # the witness saw 98 sealed entries; the backup's tree holds 94 and it holds 96 in all
    both = WitnessCheck(2, 98, WHEN, 94, lacking=4, missing=2)
    assert loss_text(both) == (
        "Sedikitnya 2 entri tersegel yang dilihat saksi tidak ada di cadangan. 2 entri "
        "sesudah segel cadangan belum disegel di dalamnya, jadi tidak dapat dicocokkan "
        "dengan kepala itu.")
    assert not both.matches
    # every entry the witness saw beyond the backup's tree is missing from it
    assert loss_text(WitnessCheck(2, 98, WHEN, 94, lacking=4, missing=4)) == (
        "Sedikitnya 4 entri tersegel yang dilihat saksi tidak ada di cadangan.")
    # the backup holds as many entries as the witness saw sealed, none of them provable
    assert loss_text(WitnessCheck(2, 98, WHEN, 94, lacking=4, missing=0)).startswith(
        "4 entri sesudah segel cadangan belum disegel")
    assert WitnessCheck(2, 90, WHEN, 94, lacking=0).matches
