"""Alerts end to end: the real job on the small org, real receivers on 127.0.0.1 (an HTTP server for the
webhooks, aiosmtpd for email), and the messages that arrive for each trigger."""

from __future__ import annotations

import logging
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orghealth.config import load_config
from orghealth.errors import ConfigError
from pipelines.cli import app
from pipelines.definitions import JOB_NAME, defs
from pipelines.runner import RunFailed
from tests.conftest import AS_OF, SMALL_ORG, run_small_org
from tests.test_alerts import Mailbox, Receiver

pytestmark = pytest.mark.slow
HRIS_ROW = "{id},{name},{email},E3,Software Engineer,Engineering,,Paris,Full-time,{hired},,Active\n"
PEOPLE = ("Dev Again", "dev2@x.example", "Ana Lima", "ana@x.example", "@")


@pytest.fixture
def receivers(monkeypatch):
    hook, mailbox = Receiver(), Mailbox()
    monkeypatch.setenv("ORGHEALTH_TEST_HOOK", hook.url)
    yield hook, mailbox
    hook.close()
    mailbox.close()


def org(tmp_path: Path, mailbox: Mailbox, url_env: str = "ORGHEALTH_TEST_HOOK") -> Path:
    """The small org with two channels: a generic JSON webhook and email."""
    root = tmp_path / "org"
    shutil.copytree(SMALL_ORG, root)
    config = root / "orghealth.yaml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "alerts:\n  retries: 1\n  backoff_seconds: 0.01\n  channels:\n"
        + f"    - {{kind: webhook, name: hook, url_env: {url_env}}}\n"
        + f"    - {{kind: email, name: mail, smtp: {{host: 127.0.0.1, port: {mailbox.port}, starttls: false, "
        + "sender: orghealth@x.example, recipients: [ops@x.example]}}\n",
        encoding="utf-8",
    )
    return config


def append_hris(config: Path, **row: str) -> None:
    with (config.parent / "hris.csv").open("a", encoding="utf-8") as hris:
        hris.write(HRIS_ROW.format(**row))


def no_people(text: str) -> None:
    for secret in PEOPLE:
        assert secret not in text


def test_a_blocked_run_sends_one_message_per_channel_with_ids_only(tmp_path, receivers):
    hook, mailbox = receivers
    config = org(tmp_path, mailbox)
    append_hris(config, id="E4", name="Dev Again", email="dev2@x.example", hired="07/01/2019")
    with pytest.raises(RunFailed) as failure:
        run_small_org(tmp_path / "published.duckdb", config)
    run_id = failure.value.run_id
    (body,) = hook.bodies
    assert body["trigger"] == "blocked" and body["as_of"] == "2026-11-20"
    assert body["title"] == "orghealth: publication blocked for as_of 2026-11-20: 1 data error(s)"
    # E4 is on line 5 and again on line 14 (the appended row).
    assert body["lines"] == ["raw_hris_ids: expect_column_values_to_be_unique(employee_id) — 2 rows — "
                             "e.g. source_line 5, employee_id E4; source_line 14, employee_id E4"]  # fmt: skip
    assert body["run_url"] == f"http://127.0.0.1:3000/runs/{run_id}"
    assert body["data_docs"].endswith("/published-data-docs/index.html")
    ((to, mail),) = mailbox.messages
    assert to == ["ops@x.example"] and mail["Subject"].strip() == body["title"]
    assert f"Dagster run: http://127.0.0.1:3000/runs/{run_id}" in mail.get_content()
    no_people(str(hook.bodies) + mail.get_content())


def test_a_finding_new_since_the_last_snapshot_is_sent_once(tmp_path, receivers):
    hook, mailbox = receivers
    config = org(tmp_path, mailbox)
    db = tmp_path / "published.duckdb"
    run_small_org(db, config, as_of=date(2026, 11, 13))
    first = [b for b in hook.bodies if b["trigger"] == "new_finding"]
    assert len(first) == 1 and "in the first snapshot" in first[0]["title"]
    hook.bodies.clear()
    # A week later Checkout's STL is an email no HRIS record has: a finding the first snapshot did not have.
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("stl: chloe@x.example", "stl: nobody@x.example"), encoding="utf-8")
    result = run_small_org(db, config, as_of=AS_OF)
    (body,) = hook.bodies
    assert body["trigger"] == "new_finding"
    assert body["title"] == "orghealth: 1 new org-health finding(s) since 2026-11-13, as_of 2026-11-20"
    assert body["lines"] == ["marts_stream_ownership: expect_column_values_to_be_in_set(stl_not_in_hris) — 1 row "
                             "— e.g. stream_id checkout"]  # fmt: skip
    assert body["run_url"] == f"http://127.0.0.1:3000/runs/{result.run_id}"
    assert [m["Subject"].strip() for _, m in mailbox.messages][-1] == body["title"]
    no_people(str(hook.bodies))


def test_a_crashed_run_sends_the_failed_step(tmp_path, receivers):
    hook, mailbox = receivers
    config = org(tmp_path, mailbox)
    # 12/25 says month first, 25/12 says day first: the HRIS reader stops, asking for hris.date_format.
    append_hris(config, id="E13", name="Mo Day", email="mo@x.example", hired="12/25/2020")
    append_hris(config, id="E14", name="Di Month", email="di@x.example", hired="25/12/2020")
    with pytest.raises(RunFailed) as failure:
        run_small_org(tmp_path / "published.duckdb", config)
    (body,) = hook.bodies
    assert body["trigger"] == "run_failed"
    assert body["title"].startswith("orghealth: run failed for as_of 2026-11-20: step ")
    (line,) = body["lines"]
    assert "date_format" in line and str(failure.value).startswith(line.split(": ", 1)[1][:40])
    assert body["run_url"] == f"http://127.0.0.1:3000/runs/{failure.value.run_id}"
    assert len(mailbox.messages) == 1
    no_people(str(hook.bodies))


def test_an_unreachable_channel_never_fails_the_run_and_is_logged(tmp_path, receivers, monkeypatch, caplog):
    hook, mailbox = receivers
    closed = Receiver()
    closed.close()  # nothing listens there any more
    monkeypatch.setenv("ORGHEALTH_TEST_DOWN", closed.url)
    config = org(tmp_path, mailbox, url_env="ORGHEALTH_TEST_DOWN")
    db = tmp_path / "published.duckdb"
    with caplog.at_level(logging.WARNING, logger="orghealth.alerts"):
        result = run_small_org(db, config)
    assert db.exists()  # published
    assert hook.bodies == []
    assert [m["Subject"].strip() for _, m in mailbox.messages] == [
        "orghealth: 5 new org-health finding(s) in the first snapshot, as_of 2026-11-20"]  # fmt: skip
    assert any("not delivered to channel hook after 2 attempt(s)" in r.getMessage() for r in caplog.records)
    assert [w for w in result.warnings if w.startswith("alert ")] == [
        "alert new_finding not delivered to channel hook: ConnectError: [Errno 111] Connection refused"]  # fmt: skip


def break_hris_header(config: Path) -> Path:
    """The HRIS export without a column for employee_id (its header renamed): the run cannot start."""
    hris = config.parent / "hris.csv"
    hris.write_text(hris.read_text(encoding="utf-8").replace("Employee #,", "Staff,", 1), encoding="utf-8")
    return hris


@pytest.mark.parametrize(
    "command", [["run"], ["backfill", "--start", "2026-11-13", "--end", "2026-11-20"]], ids=["run", "backfill"]
)
def test_a_cli_run_that_cannot_start_exits_1_and_alerts_once(tmp_path, receivers, command):
    hook, mailbox = receivers
    config = org(tmp_path, mailbox)
    hris = break_hris_header(config)
    db = tmp_path / "published.duckdb"
    result = CliRunner().invoke(app, [*command, "--config", str(config), "--db", str(db)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    error = f"{hris}: required field employee_id not found; looked for headers 'Employee ID', 'Employee #'"
    assert result.stderr.startswith(f"orghealth: {error}") and len(result.stderr.splitlines()) == 1
    (body,) = hook.bodies
    assert body["trigger"] == "run_failed" and body["as_of"] == "2026-11-20"
    assert body["title"] == "orghealth: run failed for as_of 2026-11-20: step setup"
    (line,) = body["lines"]
    assert line.startswith(f"setup: {error}")
    assert (body["run_id"], body["run_url"]) == (None, None)  # Dagster never started: no run to link to
    ((to, mail),) = mailbox.messages
    assert to == ["ops@x.example"] and mail["Subject"].strip() == body["title"]
    assert not db.exists()
    no_people(str(hook.bodies) + mail.get_content())


def test_a_channel_that_misses_the_failed_start_is_a_cli_warning(tmp_path, receivers, monkeypatch):
    hook, mailbox = receivers
    monkeypatch.delenv("ORGHEALTH_TEST_UNSET", raising=False)
    config = org(tmp_path, mailbox, url_env="ORGHEALTH_TEST_UNSET")
    hris = break_hris_header(config)
    result = CliRunner().invoke(app, ["run", "--config", str(config), "--db", str(tmp_path / "published.duckdb")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "orghealth: warning: alert run_failed not delivered to channel hook: "
        "environment variable ORGHEALTH_TEST_UNSET (webhook URL) is not set"
    )
    assert result.stderr.splitlines()[1].startswith(f"orghealth: {hris}: required field employee_id not found")
    assert hook.bodies == [] and len(mailbox.messages) == 1


def test_a_dagster_run_that_cannot_start_alerts_once_with_its_run(tmp_path, receivers):
    """As the daemon or the UI starts it: the partition is the as_of, the resource's config names the org."""
    hook, mailbox = receivers
    config = org(tmp_path, mailbox)
    hris = break_hris_header(config)
    resource = {"config_path": str(config), "database": str(tmp_path / "published.duckdb")}
    result = defs.resolve_job_def(JOB_NAME).execute_in_process(
        partition_key="2026-11-19", raise_on_error=False, run_config={"resources": {"orghealth": {"config": resource}}}
    )
    assert not result.success
    (body,) = hook.bodies
    assert body["title"] == "orghealth: run failed for as_of 2026-11-19: step setup"
    assert body["lines"][0].startswith(f"setup: {hris}: required field employee_id not found")
    assert body["run_id"] == result.run_id
    assert body["run_url"] == f"http://127.0.0.1:3000/runs/{result.run_id}"
    assert len(mailbox.messages) == 1
    no_people(str(hook.bodies))


def test_an_unreadable_config_sends_nothing_and_its_error_is_unchanged(tmp_path, receivers):
    hook, mailbox = receivers
    config = org(tmp_path, mailbox)
    config.write_text(config.read_text(encoding="utf-8") + "work_streams: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as expected:
        load_config(config)
    assert "is not valid YAML" in str(expected.value)
    result = CliRunner().invoke(app, ["run", "--config", str(config), "--db", str(tmp_path / "published.duckdb")])
    assert result.exit_code == 1
    assert result.stderr == f"orghealth: {expected.value}\n"
    assert hook.bodies == [] and mailbox.messages == []
