"""Alerts, fast: message content, id-only examples, retries with backoff against a local flaky server,
once per run, and a config that holds environment variable names, never URLs or passwords."""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import ssl
import threading
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pydantic import ValidationError

from assets.checks import record_outcomes
from orghealth.alerts.channels import SentAlerts, deliver, deliver_once, deliver_to
from orghealth.alerts.failed_start import alert_failed_start
from orghealth.alerts.findings import earlier_findings, new_findings
from orghealth.alerts.messages import blocked_alert, example_keys, findings_alert, run_failed_alert, trial_alert
from orghealth.config import AlertChannel, AlertsConfig, OrgConfig, load_config
from orghealth.quality.validate import Outcome

AS_OF = date(2026, 11, 20)


class Receiver:
    """An HTTP server on 127.0.0.1 that records each POST's JSON; the first `fail_first` answer 503."""

    def __init__(self, fail_first: int = 0) -> None:
        self.bodies: list[dict] = []
        self.attempts = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.attempts += 1
                if receiver.attempts <= fail_first:
                    self.send_response(503)
                else:
                    receiver.bodies.append(json.loads(body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives. With `tls` (the server's
    certificate) it requires STARTTLS before anything else, login included."""

    def __init__(self, login: tuple[str, str] | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.messages: list = []
        self.logins: list[tuple[str, bool]] = []
        self.encrypted: list[bool] = []  # per login, then per message: was the session under TLS
        mailbox = self

        def authenticator(server, session, envelope, mechanism, data):
            user, password = data.login.decode(), data.password.decode()
            mailbox.logins.append((user, (user, password) == login))
            mailbox.encrypted.append(session.ssl is not None)
            return AuthResult(success=(user, password) == login, handled=False)

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
                mailbox.messages.append(
                    (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
                )
                mailbox.encrypted.append(session.ssl is not None)
                return "250 OK"

        self.port = free_port()
        options: dict = {"authenticator": authenticator, "auth_required": True} if login else {}
        if login:
            options["auth_require_tls"] = tls is not None
        if tls:
            options |= {"tls_context": tls, "require_starttls": True}
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.close()


def outcome(suite="raw_hris_ids", expectation="expect_column_values_to_be_unique", column="employee_id",
            severity="error", success=False, count=2, examples=None, observed=None) -> Outcome:  # fmt: skip
    return Outcome(suite=suite, guarded_table="raw.hris_people", expectation=expectation, column_name=column,
                   severity=severity, success=success, observed_value=observed, unexpected_count=count,
                   unexpected_examples=examples, why="Two people with one id make every count wrong.")  # fmt: skip


DUPLICATE = outcome(examples='[{"source_line": 5, "employee_id": "E4"}, {"source_line": 14, "employee_id": "E4"}]')


def test_a_blocked_alert_says_what_failed_where_how_many_and_links_to_the_run(tmp_path):
    alert = blocked_alert([DUPLICATE, outcome(success=True)], as_of=AS_OF, run_id="r1",
                          dagster_url="http://dagster:3000/", docs_dir=tmp_path / "docs",
                          suite_keys={"raw_hris_ids": ["source_line"]})  # fmt: skip
    assert alert.title == "orghealth: publication blocked for as_of 2026-11-20: 1 data error(s)"
    assert alert.lines == (
        "raw_hris_ids: expect_column_values_to_be_unique(employee_id) — 2 rows — "
        "e.g. source_line 5, employee_id E4; source_line 14, employee_id E4",
    )
    assert alert.run_url == "http://dagster:3000/runs/r1"
    assert alert.data_docs == (tmp_path / "docs" / "index.html").as_uri()
    assert alert.key == ("r1", "blocked", "2026-11-20")
    assert "Dagster run: http://dagster:3000/runs/r1" in alert.text()


def test_nothing_failed_means_no_alert():
    assert blocked_alert([outcome(success=True)], as_of=AS_OF, run_id="r", dagster_url="http://d") is None
    assert findings_alert([], as_of=AS_OF, since=None, run_id="r", dagster_url="http://d") is None


def test_names_and_emails_in_the_examples_never_reach_a_message():
    leaked = outcome(
        suite="marts_stream_ownership", column="stl_departed", severity="warning",
        examples='[{"stream_id": "legacy", "stl_name": "Gus Taylor", "stl_email": "gus@x.example", '
        '"stl_departed": true}, {"stream_id": "Ana Lima", "leader_id": "ana@x.example"}, '
        '{"stream_id": "pay", "owner": "Bo Chen"}]',
    )  # fmt: skip
    plain_emails = outcome(column="email", examples='["gus@x.example", "Gus Taylor"]')
    names_as_ids = outcome(column="employee_id", examples='["Gus Taylor", "E7"]')
    assert example_keys(leaked, ["stream_id"]) == ["stream_id legacy", "stream_id pay"]
    assert example_keys(plain_emails) == []
    assert example_keys(names_as_ids) == ["employee_id E7"]
    alert = findings_alert([leaked, plain_emails, names_as_ids], as_of=AS_OF, since=None, run_id="r",
                           dagster_url="http://d", suite_keys={"marts_stream_ownership": ["stream_id"]})  # fmt: skip
    text = alert.text()
    for secret in ("Gus", "Taylor", "gus@x.example", "Ana", "ana@", "Bo Chen", "@"):
        assert secret not in text


def test_a_failed_run_names_the_step_and_hides_emails():
    alert = run_failed_alert("raw_hris_people", "bad row for ana@x.example\nTraceback ...", as_of=AS_OF,
                             run_id="r9", dagster_url="http://127.0.0.1:3000")  # fmt: skip
    assert alert.title == "orghealth: run failed for as_of 2026-11-20: step raw_hris_people"
    assert alert.lines == ("raw_hris_people: bad row for <email>",)
    assert alert.run_url == "http://127.0.0.1:3000/runs/r9"


def test_new_findings_are_those_the_previous_snapshot_did_not_fail():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA quality")
    assert earlier_findings(con, AS_OF) == (None, set())
    no_stl = outcome(suite="marts_stream_ownership", column="no_stl", severity="warning", count=1)
    departed = outcome(suite="marts_stream_ownership", column="stl_departed", severity="warning", count=1)
    error = outcome()
    record_outcomes(con, date(2026, 11, 6), "old", [departed])
    record_outcomes(con, date(2026, 11, 13), "r-a", [no_stl, departed])  # re-run below: the latest run counts
    record_outcomes(con, date(2026, 11, 13), "r-b", [no_stl, outcome(suite="marts_stream_ownership",
                    column="stl_departed", severity="warning", success=True)])  # fmt: skip
    since, before = earlier_findings(con, AS_OF)
    assert since == date(2026, 11, 13)
    assert before == {("marts_stream_ownership", "expect_column_values_to_be_unique", "no_stl")}
    assert new_findings([no_stl, departed, error], before) == [departed]


def config(*channels: dict, **more) -> AlertsConfig:
    return AlertsConfig.model_validate({"channels": list(channels), "retries": 3, "backoff_seconds": 0.01} | more)


def test_the_config_holds_variable_names_never_urls_or_passwords():
    with pytest.raises(ValidationError, match="url\n.*Extra inputs"):
        AlertsConfig.model_validate({"channels": [{"kind": "slack", "name": "s", "url": "https://hooks.x/T0"}]})
    with pytest.raises(ValidationError, match="url_env"):
        AlertsConfig.model_validate({"channels": [{"kind": "slack", "name": "s", "url_env": "https://hooks.x/T0"}]})
    with pytest.raises(ValidationError, match="password"):
        AlertsConfig.model_validate({"channels": [{"kind": "email", "name": "m", "smtp": {
            "host": "h", "sender": "a@b", "recipients": ["c@d"], "password": "hunter2"}}]})  # fmt: skip
    with pytest.raises(ValidationError, match="needs url_env"):
        AlertsConfig.model_validate({"channels": [{"kind": "teams", "name": "t"}]})
    assert OrgConfig().alerts.channels == []
    assert (OrgConfig().alerts.dagster_url, OrgConfig().alerts.retries, OrgConfig().alerts.backoff_seconds) == (
        "http://127.0.0.1:3000", 3, 1.0)  # fmt: skip


def test_every_kind_of_channel_receives_its_own_format(receiver, mailbox):
    alert = blocked_alert([DUPLICATE], as_of=AS_OF, run_id="r1", dagster_url="http://d",
                          suite_keys={"raw_hris_ids": ["source_line"]})  # fmt: skip
    channels = config(
        {"kind": "slack", "name": "slack", "url_env": "HOOK"},
        {"kind": "teams", "name": "teams", "url_env": "HOOK"},
        {"kind": "webhook", "name": "json", "url_env": "HOOK"},
        {"kind": "email", "name": "mail", "smtp": {"host": "127.0.0.1", "port": mailbox.port, "starttls": False,
         "sender": "orghealth@x.example", "recipients": ["ops@x.example", "hr@x.example"]}},
    )  # fmt: skip
    deliveries = deliver(alert, channels, env={"HOOK": receiver.url})
    assert [(d.channel, d.sent, d.attempts) for d in deliveries] == [
        ("slack", True, 1), ("teams", True, 1), ("json", True, 1), ("mail", True, 1)]  # fmt: skip
    # The channels are tried at the same time: tell the bodies apart by their shape, not their order.
    (slack,) = [b for b in receiver.bodies if set(b) == {"text"}]
    (teams,) = [b for b in receiver.bodies if "@type" in b]
    (generic,) = [b for b in receiver.bodies if "trigger" in b]
    assert slack == {"text": alert.text()}
    assert teams["title"] == alert.title and teams["@type"] == "MessageCard"
    assert {"name": "as_of", "value": "2026-11-20"} in teams["sections"][0]["facts"]
    assert generic["trigger"] == "blocked" and generic["run_url"] == "http://d/runs/r1"
    assert generic["lines"] == list(alert.lines)
    ((to, mail),) = mailbox.messages
    assert to == ["ops@x.example", "hr@x.example"]
    assert mail["Subject"] == alert.title
    assert "employee_id E4" in mail.get_content()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # no certificate for a local server
def test_email_logs_in_with_the_credentials_from_the_environment():
    box = Mailbox(login=("alerts", "s3cret"))
    smtp = {"host": "127.0.0.1", "port": box.port, "starttls": False, "username_env": "SMTP_USER",
            "password_env": "SMTP_PASSWORD", "sender": "o@x.example", "recipients": ["ops@x.example"]}  # fmt: skip
    channels = config({"kind": "email", "name": "mail", "smtp": smtp})
    try:
        (good,) = deliver(trial_alert("http://d"), channels, env={"SMTP_USER": "alerts", "SMTP_PASSWORD": "s3cret"})
        (bad,) = deliver(trial_alert("http://d"), channels, env={"SMTP_USER": "alerts", "SMTP_PASSWORD": "wrong"})
    finally:
        box.close()
    assert (good.sent, bad.sent, bad.attempts) == (True, False, 1)  # a refused login is not retried
    assert bad.error == "SMTP login refused: 535"
    # smtplib tries each mechanism the server offers (PLAIN, then LOGIN) before giving up on a password.
    assert box.logins[0] == ("alerts", True) and {ok for _, ok in box.logins[1:]} == {False}
    assert len(box.messages) == 1


def test_a_flaky_channel_is_retried_with_doubling_waits():
    flaky = Receiver(fail_first=2)
    waits: list[float] = []
    try:
        (delivery,) = deliver(trial_alert("http://d"), config({"kind": "slack", "name": "s", "url_env": "H"},
                              backoff_seconds=0.5), env={"H": flaky.url}, sleep=waits.append)  # fmt: skip
    finally:
        flaky.close()
    assert (delivery.sent, delivery.attempts) == (True, 3)
    assert waits == [0.5, 1.0]
    assert len(flaky.bodies) == 1


def test_an_unreachable_channel_is_given_up_logged_and_never_raises(caplog):
    closed = Receiver()
    closed.close()  # nothing listens on its port any more
    waits: list[float] = []
    with caplog.at_level(logging.WARNING, logger="orghealth.alerts"):
        deliveries = deliver(
            trial_alert("http://d"),
            config({"kind": "webhook", "name": "down", "url_env": "H"}, {"kind": "slack", "name": "unset",
                   "url_env": "NOT_SET"}, retries=2),
            env={"H": closed.url}, sleep=waits.append,
        )  # fmt: skip
    assert [(d.channel, d.sent, d.attempts) for d in deliveries] == [("down", False, 3), ("unset", False, 1)]
    assert waits == [0.01, 0.02]  # the unset variable is not retried: waiting cannot set it
    assert "ConnectError" in deliveries[0].error
    assert deliveries[1].error == "environment variable NOT_SET (slack webhook URL) is not set"
    messages = [r.getMessage() for r in caplog.records]
    assert any("not delivered to channel down after 3 attempt(s)" in m for m in messages)
    assert any("not delivered to channel unset" in m for m in messages)


def test_retries_stop_at_the_deadline_so_a_dead_channel_cannot_hold_the_run():
    closed = Receiver()
    closed.close()
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # a clock that moves only when the sender waits
        waits.append(seconds)
        now[0] += seconds

    channel = AlertChannel(kind="slack", name="down", url_env="H")
    delivery = deliver_to(channel, trial_alert("http://d"), retries=5, backoff_seconds=10, deadline_seconds=25,
                          env={"H": closed.url}, sleep=sleep, clock=lambda: now[0])  # fmt: skip
    # Waits would be 10, 20, 40, ...: after the first (t = 10) the next would end at 30, past the 25 s deadline.
    assert (delivery.sent, delivery.attempts, waits) == (False, 2, [10])


def test_the_same_alert_goes_out_once_per_run(receiver):
    sent = SentAlerts()
    channels = config({"kind": "slack", "name": "s", "url_env": "H"})
    env = {"H": receiver.url}

    def blocked(run_id):
        return blocked_alert([DUPLICATE], as_of=AS_OF, run_id=run_id, dagster_url="http://d")

    assert len(deliver_once(blocked("r1"), channels, sent=sent, env=env)) == 1
    assert deliver_once(blocked("r1"), channels, sent=sent, env=env) == []
    assert len(deliver_once(blocked("r2"), channels, sent=sent, env=env)) == 1
    assert len(receiver.bodies) == 2


def test_alert_test_sends_through_every_channel_and_fails_on_any(tmp_path, receiver, monkeypatch):
    from typer.testing import CliRunner

    from pipelines.cli import app

    path = tmp_path / "orghealth.yaml"
    path.write_text(
        "alerts:\n  backoff_seconds: 0.01\n  retries: 1\n  channels:\n"
        "    - {kind: slack, name: team-chat, url_env: ALERT_HOOK}\n"
        "    - {kind: webhook, name: missing, url_env: ALERT_HOOK_UNSET}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ALERT_HOOK", receiver.url)
    monkeypatch.delenv("ALERT_HOOK_UNSET", raising=False)
    result = CliRunner().invoke(app, ["alert", "test", "--config", str(path)])
    assert result.exit_code == 1, result.output
    assert "team-chat: sent" in result.output
    assert "missing: environment variable ALERT_HOOK_UNSET (webhook URL) is not set" in result.output
    assert receiver.bodies == [{"text": trial_alert("http://127.0.0.1:3000").text()}]


def test_a_run_that_cannot_start_alerts_once_per_run_and_every_time_without_one(tmp_path, receiver, monkeypatch):
    path = tmp_path / "orghealth.yaml"
    path.write_text("as_of: 2026-11-13\nalerts:\n  channels:\n    - {kind: webhook, name: hook, url_env: HOOK}\n"
                    "    - {kind: slack, name: unset, url_env: HOOK_UNSET}\n", encoding="utf-8")  # fmt: skip
    monkeypatch.setenv("HOOK", receiver.url)
    monkeypatch.delenv("HOOK_UNSET", raising=False)
    error = "hris.csv: required field employee_id not found, see ana@x.example\nmore"
    unset = ["alert run_failed not delivered to channel unset: environment variable HOOK_UNSET (slack webhook URL) "
             "is not set"]  # fmt: skip
    # Dagster may set a run's resource up more than once: one message per run id.
    assert alert_failed_start(path, AS_OF, "start-r1", error) == unset
    assert alert_failed_start(path, AS_OF, "start-r1", error) == []
    (body,) = receiver.bodies
    assert body["title"] == "orghealth: run failed for as_of 2026-11-20: step setup"
    assert body["lines"] == ["setup: hris.csv: required field employee_id not found, see <email>"]
    assert (body["run_id"], body["run_url"]) == ("start-r1", "http://127.0.0.1:3000/runs/start-r1")
    # The CLI, before Dagster starts: no run, no link, the config's as_of; each call is its own failed start.
    assert alert_failed_start(path, None, None, error) == unset
    assert alert_failed_start(path, None, None, error) == unset
    assert [(b["as_of"], b["run_id"], b["run_url"]) for b in receiver.bodies[1:]] == [("2026-11-13", None, None)] * 2


@pytest.mark.parametrize("more", ["  retries: [unclosed\n", "hris: {pathh: people.csv}\n", None],
                         ids=["yaml", "unknown-key", "missing"])  # fmt: skip
def test_no_alert_when_the_config_itself_cannot_be_loaded(tmp_path, receiver, monkeypatch, more):
    """Its channels are not to be trusted (its error is what people see): nothing is sent, nothing raised."""
    monkeypatch.setenv("HOOK", receiver.url)
    path = tmp_path / "orghealth.yaml"
    if more is not None:
        path.write_text("alerts:\n  channels:\n    - {kind: webhook, name: hook, url_env: HOOK}\n" + more)
    assert alert_failed_start(path, AS_OF, None, "anything") == []
    assert receiver.attempts == 0


def certificate(folder, *names: str) -> tuple[str, str]:
    """A self-signed certificate for names (host names or IP addresses), made now: (its PEM file, its key's)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    alt = [x509.IPAddress(ipaddress.ip_address(n)) if n[0].isdigit() else x509.DNSName(n) for n in names]
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_file, key_file = folder / f"{names[0]}.pem", folder / f"{names[0]}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return str(cert_file), str(key_file)


def server_tls(cert_file: str, key_file: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


def tls_mail(port: int, retries: int = 3, **smtp) -> AlertsConfig:
    return config({"kind": "email", "name": "mail", "smtp": {"host": "127.0.0.1", "port": port, "starttls": True,
                   "sender": "o@x.example", "recipients": ["ops@x.example"]} | smtp}, retries=retries)  # fmt: skip


LOGIN = {"username_env": "SMTP_USER", "password_env": "SMTP_PASSWORD"}


def test_email_over_starttls_trusts_ca_file_and_logs_in_on_the_encrypted_session(tmp_path, caplog):
    cert, key = certificate(tmp_path, "localhost", "127.0.0.1")
    box = Mailbox(login=("alerts", "s3cret"), tls=server_tls(cert, key))
    try:
        channels = tls_mail(box.port, ca_file=cert, **LOGIN)
        (good,) = deliver(trial_alert("http://d"), channels, env={"SMTP_USER": "alerts", "SMTP_PASSWORD": "s3cret"})
        with caplog.at_level(logging.WARNING, logger="orghealth.alerts"):
            (bad,) = deliver(trial_alert("http://d"), channels, env={"SMTP_USER": "alerts", "SMTP_PASSWORD": "wrong"})
        # The server really demands TLS: without STARTTLS it offers no login, and takes no message.
        (plain,) = deliver(trial_alert("http://d"), tls_mail(box.port, starttls=False, retries=0, **LOGIN),
                           env={"SMTP_USER": "alerts", "SMTP_PASSWORD": "s3cret"})  # fmt: skip
    finally:
        box.close()
    assert (good.sent, good.attempts, good.error) == (True, 1, None)
    ((to, mail),) = box.messages
    assert to == ["ops@x.example"] and mail["Subject"] == "orghealth: test message"
    assert (bad.sent, bad.attempts, bad.error) == (False, 1, "SMTP login refused: 535")  # not retried
    assert any(r.getMessage().endswith("not delivered to channel mail after 1 attempt(s): SMTP login refused: 535")
               for r in caplog.records)  # fmt: skip
    assert (plain.sent, plain.error) == (False, "SMTPNotSupportedError: SMTP AUTH extension not supported by server.")
    # The good login (the environment's credentials), its message, then each mechanism smtplib tries with "wrong".
    assert box.logins[0] == ("alerts", True) and {ok for _, ok in box.logins[1:]} == {False}
    assert box.encrypted[:2] == [True, True] and set(box.encrypted) == {True}


@pytest.mark.parametrize(
    ("names", "ca", "error"),
    [
        (("localhost", "127.0.0.1"), None, "certificate verify failed: self-signed certificate"),
        (
            ("mail.other.example",),
            "server",
            "certificate verify failed: IP address mismatch, certificate is not valid for '127.0.0.1'.",
        ),  # fmt: skip
        (("localhost", "127.0.0.1"), "missing", None),
    ],
    ids=["not-trusted", "other-host", "no-ca-file"],
)
def test_a_certificate_that_cannot_be_trusted_is_a_clear_permanent_delivery_error(tmp_path, caplog, names, ca, error):
    cert, key = certificate(tmp_path, *names)
    ca_file = {"server": cert, "missing": str(tmp_path / "missing.pem"), None: None}[ca]
    box = Mailbox(tls=server_tls(cert, key))
    try:
        with caplog.at_level(logging.WARNING, logger="orghealth.alerts"):
            (delivery,) = deliver(trial_alert("http://d"), tls_mail(box.port, **({"ca_file": ca_file} if ca else {})))
    finally:
        box.close()
    if error is None:
        error = f"smtp.ca_file {ca_file} cannot be used: No such file or directory"
    else:
        error = f"STARTTLS to 127.0.0.1:{box.port}: {error}"
    assert (delivery.sent, delivery.attempts, delivery.error) == (False, 1, error)
    assert box.messages == []
    (record,) = [r for r in caplog.records if "not delivered" in r.getMessage()]
    assert record.getMessage().endswith(f"after 1 attempt(s): {error}") and record.exc_info is None


def test_ca_file_is_taken_from_the_config_folder_and_needs_starttls(tmp_path):
    smtp = "{host: h, sender: a@x.example, recipients: [b@x.example], ca_file: certs/company.pem"
    path = tmp_path / "orghealth.yaml"
    path.write_text(f"alerts:\n  channels:\n    - {{kind: email, name: mail, smtp: {smtp}}}}}\n", encoding="utf-8")
    assert load_config(path).alerts.channels[0].smtp.ca_file == tmp_path / "certs" / "company.pem"
    with pytest.raises(ValidationError, match="ca_file is used only with starttls: true"):
        AlertChannel.model_validate({"kind": "email", "name": "m", "smtp": {"host": "h", "sender": "a@b",
                                     "recipients": ["c@d"], "starttls": False, "ca_file": "ca.pem"}})  # fmt: skip
    assert OrgConfig.model_validate({"alerts": {"channels": [{"kind": "email", "name": "m", "smtp": {
        "host": "h", "sender": "a@b", "recipients": ["c@d"]}}]}}).alerts.channels[0].smtp.ca_file is None  # fmt: skip
