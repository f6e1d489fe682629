"""Alerts: a message to every configured channel when a run is blocked, finds something new, or fails.

Domain code only (no Dagster): `messages` says what happened, `findings` finds what is new since the last
snapshot, `channels` delivers with retries and never raises. The Dagster side (assets/alerting.py) calls them
at the end of each run.
"""
