"""The metrics org (tests/fixtures/metrics_org, worked by hand in tests/test_marts.py) as weekly HRIS snapshots:
D1 as it is; D2 a week later, where one person joined, one left, one moved team and legacy's STL changed; and a
broken export for a later date, whose malformed row blocks publication.

D2 (2026-11-27), against D1 (2026-11-20):
- joined: N1 Nia New, engineer under M3 Moe, hired 2026-11-23 (not in D1's export);
- left:   I2 Ian Ivo, M3's engineer, terminated 2026-11-25;
- moved:  E2 Eva Em from M1 Mia's team to M2 Max's team (her manager changed);
- STL:    the config names Mia (mia@m.example) STL of legacy instead of Xan (who left on 2026-10-01).

BROKEN (for 2026-12-04): D2's export plus a row whose hire date is not a date. 1 rejected row of 13 is past
quality.max_rejected_share (1%): a data error, so the run is blocked and the published database keeps D2.
"""

from datetime import date
from pathlib import Path

METRICS_ORG = Path(__file__).parent / "fixtures" / "metrics_org"
D1, D2, BROKEN = date(2026, 11, 20), date(2026, 11, 27), date(2026, 12, 4)


def hris_d1() -> str:
    return (METRICS_ORG / "hris.csv").read_text(encoding="utf-8")


def hris_d2() -> str:
    before = hris_d1()
    after = before.replace("E2,Eva Em,eva@m.example,M1,", "E2,Eva Em,eva@m.example,M2,")
    after = after.replace("I2,Ian Ivo,ian@m.example,M3,Software Engineer,Full-time,2021-01-01,",
                          "I2,Ian Ivo,ian@m.example,M3,Software Engineer,Full-time,2021-01-01,2026-11-25")  # fmt: skip
    after += "N1,Nia New,nia@m.example,M3,Software Engineer,Full-time,2026-11-23,\n"
    assert after.count("\n") == before.count("\n") + 1 and "M2,Software" not in before  # the edits took
    return after


def hris_broken() -> str:
    return hris_d2() + "B1,Bad Date,bad@m.example,M3,Software Engineer,Full-time,31/31/2026,\n"


def write_config(folder: Path, name: str, hris: str, legacy_stl: str, *, org_name: str | None = None) -> Path:
    """A copy of the metrics org's config reading `hris` (written beside it) and naming `legacy_stl` STL of legacy."""
    (folder / f"{name}.csv").write_text(hris, encoding="utf-8")
    text = (METRICS_ORG / "orghealth.yaml").read_text(encoding="utf-8")
    text = text.replace("path: hris.csv", f"path: {folder / f'{name}.csv'}")
    text = text.replace("paths: [jira.csv]", f"paths: [{METRICS_ORG / 'jira.csv'}]")
    text = text.replace("stl: xan@m.example", f"stl: {legacy_stl}")
    if org_name is not None:
        text = f"org_name: {org_name}\n" + text
    config = folder / f"{name}.yaml"
    config.write_text(text, encoding="utf-8")
    return config
