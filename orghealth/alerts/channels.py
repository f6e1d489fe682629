"""Deliver an alert to every configured channel: retried with backoff, logged, and never raised.

Slack, Mattermost and Rocket.Chat accept the same incoming-webhook JSON (`{"text": ...}`); Teams gets a
MessageCard (title, text, facts); a generic webhook gets one JSON object; email goes over SMTP, with STARTTLS
(trusting the system's CAs, or smtp.ca_file's) and login when configured. URLs and passwords are read from the
environment variables the config names.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import httpx

from orghealth.alerts.messages import Alert
from orghealth.config import AlertChannel, AlertsConfig

log = logging.getLogger("orghealth.alerts")
TIMEOUT_SECONDS = 10.0


class DeliveryError(Exception):
    """A channel did not take the message; `permanent` when trying again cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Delivery:
    channel: str
    sent: bool
    attempts: int
    error: str | None = None


def undelivered(alert: Alert, deliveries: list[Delivery]) -> list[str]:
    """One warning for people per channel that did not take the alert."""
    return [f"alert {alert.trigger} not delivered to channel {d.channel}: {d.error}" for d in deliveries if not d.sent]


def _env(name: str, env: Mapping[str, str], what: str) -> str:
    value = env.get(name, "")
    if not value:
        raise DeliveryError(f"environment variable {name} ({what}) is not set", permanent=True)
    return value


def slack_payload(alert: Alert) -> dict:
    return {"text": alert.text()}


def teams_payload(alert: Alert) -> dict:
    return {
        "@type": "MessageCard",
        "@context": "http://schema.org/extensions",
        "summary": alert.title,
        "title": alert.title,
        "text": "\n\n".join(alert.lines),
        "sections": [{"facts": [{"name": name, "value": value} for name, value in alert.all_facts()]}],
    }


def webhook_payload(alert: Alert) -> dict:
    return {
        "title": alert.title,
        "text": alert.text(),
        "trigger": alert.trigger,
        "as_of": alert.as_of.isoformat() if alert.as_of else None,
        "lines": list(alert.lines),
        "run_id": alert.run_id,
        "run_url": alert.run_url,
        "data_docs": alert.data_docs,
        "facts": {name: value for name, value in alert.all_facts()},
    }


PAYLOADS: dict[str, Callable[[Alert], dict]] = {"slack": slack_payload, "teams": teams_payload,
                                                "webhook": webhook_payload}  # fmt: skip


def _post(url: str, payload: dict) -> None:
    try:
        response = httpx.post(url, json=payload, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    if response.is_error:
        retryable = response.status_code >= 500 or response.status_code in (408, 429)
        raise DeliveryError(f"HTTP {response.status_code} {response.reason_phrase}", permanent=not retryable)


def _email(channel: AlertChannel, alert: Alert, env: Mapping[str, str]) -> None:
    smtp = channel.smtp
    assert smtp is not None  # the config's validator requires it for kind: email
    message = EmailMessage()
    message["Subject"] = alert.title
    message["From"] = smtp.sender
    message["To"] = ", ".join(smtp.recipients)
    message.set_content(alert.text())
    login = None
    if smtp.username_env and smtp.password_env:
        login = (_env(smtp.username_env, env, "SMTP user"), _env(smtp.password_env, env, "SMTP password"))
    context = _tls_context(smtp.ca_file) if smtp.starttls else None
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS) as server:
            if context is not None:
                server.starttls(context=context)
            if login:
                server.login(*login)
            server.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"SMTP login refused: {exc.smtp_code}", permanent=True) from exc
    except ssl.SSLCertVerificationError as exc:  # the same certificate is refused the same way next time
        reason = exc.verify_message or exc.reason or str(exc)
        raise DeliveryError(f"STARTTLS to {smtp.host}:{smtp.port}: certificate verify failed: {reason}",
                            permanent=True) from exc  # fmt: skip
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc


def _tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """The system's trusted CAs, or only those of ca_file (e.g. a company CA) when the config names one."""
    if ca_file is None:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=str(ca_file))
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError: a file that holds no PEM certificate
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DeliveryError(f"smtp.ca_file {ca_file} cannot be used: {reason}", permanent=True) from exc


def send(channel: AlertChannel, alert: Alert, env: Mapping[str, str] | None = None) -> None:
    """One attempt on one channel; DeliveryError when it does not take the message."""
    env = os.environ if env is None else env
    if channel.kind == "email":
        _email(channel, alert, env)
    else:
        assert channel.url_env is not None  # the config's validator requires it for webhooks
        what = "webhook URL" if channel.kind == "webhook" else f"{channel.kind} webhook URL"
        _post(_env(channel.url_env, env, what), PAYLOADS[channel.kind](alert))


def deliver_to(
    channel: AlertChannel, alert: Alert, *, retries: int, backoff_seconds: float, deadline_seconds: float = 30.0,
    env: Mapping[str, str] | None = None, sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Delivery:  # fmt: skip
    """Try a channel up to 1 + retries times, waiting backoff, 2 x backoff, ... between, but never waiting past
    deadline_seconds from the first try (a run must not wait long on a channel that is down); never raises."""
    attempt, give_up_at = 0, clock() + deadline_seconds
    while True:
        attempt += 1
        try:
            send(channel, alert, env)
            log.info("alert %s sent to %s (attempt %d)", alert.trigger, channel.name, attempt)
            return Delivery(channel.name, True, attempt)
        except Exception as exc:  # noqa: BLE001 (a notification never fails the pipeline)
            error = str(exc) or type(exc).__name__
            permanent = isinstance(exc, DeliveryError) and exc.permanent
            wait = backoff_seconds * 2 ** (attempt - 1)
            if permanent or attempt > retries or clock() + wait > give_up_at:
                log.warning("alert %s not delivered to channel %s after %d attempt(s): %s",
                            alert.trigger, channel.name, attempt, error)  # fmt: skip
                return Delivery(channel.name, False, attempt, error)
            log.info("alert %s to %s failed (%s); retrying in %.2f s", alert.trigger, channel.name, error, wait)
            sleep(wait)


def deliver(alert: Alert, config: AlertsConfig, *, env: Mapping[str, str] | None = None,
            sleep: Callable[[float], None] = time.sleep) -> list[Delivery]:  # fmt: skip
    """Send the alert through every configured channel at once (the slowest, not the sum, sets how long it
    takes); a channel that fails is logged, never raised."""
    if not config.channels:
        return []

    def to(channel: AlertChannel) -> Delivery:
        return deliver_to(channel, alert, retries=config.retries, backoff_seconds=config.backoff_seconds,
                          deadline_seconds=config.deadline_seconds, env=env, sleep=sleep)  # fmt: skip

    with ThreadPoolExecutor(max_workers=len(config.channels)) as pool:
        return list(pool.map(to, config.channels))


class SentAlerts:
    """The (run_id, trigger, subject) keys sent in this process: the same failure goes out once per run."""

    def __init__(self) -> None:
        self._keys: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()

    def claim(self, alert: Alert) -> bool:
        """True the first time an alert's key is seen (it is then to be sent), False after."""
        with self._lock:
            if alert.key in self._keys:
                return False
            self._keys.add(alert.key)
            return True


SENT = SentAlerts()


def deliver_once(alert: Alert, config: AlertsConfig, *, sent: SentAlerts = SENT,
                 env: Mapping[str, str] | None = None) -> list[Delivery]:  # fmt: skip
    """Deliver unless this run already sent the same alert; [] when it did (or no channel is configured)."""
    if not config.channels or not sent.claim(alert):
        return []
    return deliver(alert, config, env=env)
