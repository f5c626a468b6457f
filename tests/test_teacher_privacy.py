"""Privacy on the teacher's pages: export one student (JSON, CSV zip), delete for good, consent, retention."""
from __future__ import annotations

import csv
import html
import io
import json
import time
import zipfile
from pathlib import Path

import pytest

from tests.teacher_fixtures import answer, asha, db, world  # noqa: F401


def text(response) -> str:
    """A page's text with HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def test_the_json_export_holds_one_students_data_and_no_credentials(asha, world):
    """Everything about Kiran (answers, sets, mastery, phones), nothing about another student, no PIN or token hash."""
    client, _token = asha
    kiran, latha = world["students"][0], world["students"][1]
    response = client.get(f"/teacher/students/{kiran['id']}/export.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"] and "Kiran" not in response.headers["Content-Disposition"]
    data = json.loads(response.get_data())
    assert data["student"]["display_name"] == "Kiran" and len(data["events"]) == 3
    assert data["sets"] and data["mastery"] and data["devices"]
    assert {e["student_id"] for e in data["events"]} == {kiran["id"]}
    raw = response.get_data(as_text=True)
    assert "Latha" not in raw and "pin" not in data["student"] and kiran["pin"] not in [str(v) for v in data["student"].values()] and "token_hash" not in raw
    assert latha["id"] not in {e["student_id"] for e in data["events"]}


def test_the_csv_export_is_a_zip_of_one_csv_per_table(asha, world):
    """A zip with students, events, sets, mastery, devices ... as CSV; a typed formula stays text."""
    client, _token = asha
    manu = world["students"][2]
    world["phones"][manu["id"]].send(world["catalog"], [answer("sample-add-1", "=HYPERLINK(\"x\")")])
    response = client.get(f"/teacher/students/{manu['id']}/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert {"student.csv", "events.csv", "sets.csv", "mastery.csv", "mastery_history.csv", "devices.csv",
            "overrides.csv"} <= set(archive.namelist())
    events = list(csv.DictReader(io.StringIO(archive.read("events.csv").decode("utf-8-sig"))))
    assert len(events) == 3 and {e["student_id"] for e in events} == {str(manu["id"])}
    assert any(e["response"] == "'=HYPERLINK(\"x\")" for e in events)
    student = list(csv.DictReader(io.StringIO(archive.read("student.csv").decode("utf-8-sig"))))
    assert student[0]["display_name"] == "Manu" and "pin" not in student[0]


def test_deleting_asks_for_the_name_first(asha, world, db):
    """The confirmation page lists what goes; a wrong name deletes nothing."""
    client, token = asha
    kiran = world["students"][0]
    page = text(client.get(f"/teacher/students/{kiran['id']}/delete"))
    assert "Delete Kiran for good" in page and "events: 3" in page
    response = client.post(f"/teacher/students/{kiran['id']}/delete", data={"csrf_token": token, "confirm_name": "Kira"})
    assert response.status_code == 422 and "exactly as shown" in text(response)
    assert db["students"].get(kiran["id"])


def test_delete_for_good_leaves_no_trace_but_an_audit_row(asha, world, db, app):
    """Every row about the student goes (and the bytes leave the file); the class keeps who deleted, when, why."""
    client, token = asha
    nisha = world["students"][3]
    world["phones"][nisha["id"]].send(world["catalog"], [answer("sample-add-1", "Zyqxvwk typed this")])
    # The bytes in the file are SQLite's to prove; PostgreSQL's dead rows wait for VACUUM (ARCHITECTURE.md).
    in_a_file = db.dialect == "sqlite"
    if in_a_file:
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert b"Zyqxvwk" in Path(app.config["DATABASE"]).read_bytes()
    response = client.post(f"/teacher/students/{nisha['id']}/delete",
                           data={"csrf_token": token, "confirm_name": " nisha ", "reason": "Family moved away"})
    assert response.status_code == 302 and "deleted=1" in response.headers["Location"]
    for table in ("events", "sets", "mastery", "mastery_history", "devices"):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE student_id = ?", [nisha["id"]]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM overrides WHERE student_id = ?", [nisha["id"]]).fetchone()[0] == 0
    audit = db.execute("SELECT user_id, class_id, target_id, old_value, new_value, reason FROM overrides "
                       "WHERE target = 'student_deleted'").fetchone()
    assert audit[0] == world["asha"] and audit[1] == world["class"]["id"] and audit[2] == str(nisha["id"])
    assert audit[5] == "Family moved away" and "Nisha" not in json.dumps(audit)
    assert json.loads(audit[4])["events"] >= 4
    for path in Path(app.config["DATABASE"]).parent.glob(Path(app.config["DATABASE"]).name + "*") if in_a_file else ():
        assert b"Zyqxvwk" not in path.read_bytes(), path
    settings = text(client.get(f"/teacher/classes/{world['class']['id']}/settings"))
    assert f"A student (no. {nisha['id']}) and their data" in settings and "Family moved away" in settings
    assert client.get(f"/teacher/students/{nisha['id']}").status_code == 404


def test_consent_is_recorded_and_listed_on_class_settings(asha, world, db):
    """Method and note are kept with who recorded them; the settings page lists them."""
    client, token = asha
    class_id = world["class"]["id"]
    response = client.post(f"/teacher/classes/{class_id}/consent",
                           data={"csrf_token": token, "method": "signed form", "note": "Parents' meeting 12 July"})
    assert response.status_code == 302
    client.post(f"/teacher/classes/{class_id}/consent",
                data={"csrf_token": token, "method": "other", "other_method": "Headteacher's letter"})
    assert client.post(f"/teacher/classes/{class_id}/consent", data={"csrf_token": token, "method": "other"}) \
        .headers["Location"].endswith("consent=missing#privacy")
    rows = db.execute("SELECT method, note, recorded_by FROM consents WHERE class_id = ? ORDER BY id", [class_id]).fetchall()
    assert rows == [("signed form", "Parents' meeting 12 July", world["asha"]), ("Headteacher's letter", "", world["asha"])]
    page = text(client.get(f"/teacher/classes/{class_id}/settings"))
    assert "signed form</strong>: Parents' meeting 12 July — recorded by Asha" in page
    assert "Headteacher's letter" in page


def test_retention_is_set_per_class_and_applies_at_once(asha, world, db):
    """A shorter retention blanks older typed answers now; grades stay; the change is recorded; bounds hold."""
    client, token = asha
    class_id = world["class"]["id"]
    db.execute("UPDATE events SET received_at = received_at - 40 * 86400")
    response = client.post(f"/teacher/classes/{class_id}/retention", data={"csrf_token": token, "days": "30"})
    assert response.status_code == 302
    assert db.execute("SELECT raw_retention_days FROM classes WHERE id = ?", [class_id]).fetchone()[0] == 30
    mine = db.execute("SELECT count(*), count(response), count(correct) FROM events e JOIN students s "
                      "ON s.id = e.student_id WHERE s.class_id = ? AND e.type = 'answer'", [class_id]).fetchone()
    assert mine[1] == 0 and mine[2] == mine[0] > 0
    theirs = db.execute("SELECT count(response) FROM events WHERE student_id = ?", [world["other_student"]["id"]])
    assert theirs.fetchone()[0] > 0, "another class keeps its 180 days"
    assert db.execute("SELECT old_value, new_value FROM overrides WHERE target = 'retention'").fetchone() == ("180", "30")
    client.post(f"/teacher/classes/{class_id}/retention", data={"csrf_token": token, "days": "1"})
    assert db.execute("SELECT raw_retention_days FROM classes WHERE id = ?", [class_id]).fetchone()[0] == 7
    assert client.post(f"/teacher/classes/{class_id}/retention", data={"csrf_token": token, "days": "soon"}) \
        .headers["Location"].endswith("retention=invalid#privacy")
    assert 'value="7"' in text(client.get(f"/teacher/classes/{class_id}/settings"))


def test_the_student_page_links_export_and_delete(asha, world):
    """The teacher finds export and delete on the student's page."""
    client, _token = asha
    kiran = world["students"][0]["id"]
    page = client.get(f"/teacher/students/{kiran}").get_data(as_text=True)
    for link in (f"/teacher/students/{kiran}/export.json", f"/teacher/students/{kiran}/export.zip",
                 f"/teacher/students/{kiran}/delete"):
        assert f'href="{link}"' in page


def test_the_retention_job_runs_at_start_and_stops(world, db, app):
    """The server's job redacts at once, then waits for its interval; stop() ends it."""
    from app.privacy.retention import RetentionJob
    db.execute("UPDATE events SET received_at = received_at - 200 * 86400")
    job = RetentionJob(app.config["DATABASE"], interval=3600)
    job.start()
    deadline = time.time() + 10
    while job.runs == 0 and time.time() < deadline:
        time.sleep(0.05)
    job.stop()
    job.join(5)
    assert not job.is_alive() and job.runs == 1
    assert db.execute("SELECT count(response) FROM events").fetchone()[0] == 0


def test_the_cli_redacts_once_for_cron(world, db, app, capsys):
    """`abhyas privacy redact --db PATH` prints how many events it blanked."""
    from app import cli
    db.execute("UPDATE events SET received_at = received_at - 200 * 86400")
    assert cli.main(["privacy", "redact", "--db", app.config["DATABASE"]]) == 0
    assert json.loads(capsys.readouterr().out)["redacted"] > 0


@pytest.mark.sqlite_only("reads the SQLite file's bytes; PostgreSQL's dead rows wait for VACUUM")
def test_redacted_answers_leave_the_database_file(world, db, app):
    """Blanking is not just hiding: the typed text is gone from the file's bytes (secure_delete, checkpoint)."""
    from app.privacy.records import redact_old_raw_answers
    manu = world["students"][2]
    world["phones"][manu["id"]].send(world["catalog"], [answer("sample-add-1", "Qwvzyx reflection text")])
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(app.config["DATABASE"])
    assert b"Qwvzyx" in path.read_bytes()
    assert redact_old_raw_answers(db, now=time.time() + 400 * 86400) > 0
    for file in path.parent.glob(path.name + "*"):
        assert b"Qwvzyx" not in file.read_bytes(), file
