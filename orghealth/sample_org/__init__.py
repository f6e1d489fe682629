"""The embedded sample organisation: a generated org written in real HRIS and Jira export formats."""

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent / "data"
SAMPLE_CONFIG = SAMPLE_DIR / "orghealth.yaml"
