"""Tests for the sample-organisation generator (tools/samplegen/) and its committed output.

The planted patterns are checked with plain Python over the generated files: identities are resolved
(alias, then email, then display name), each issue gets a work stream by the config's rules (epic,
component, label, project; sub-tasks take their parent's) and a team (its assignee's manager), and
"recent" means resolved within (as_of - 90 days, as_of].
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

import tools.samplegen as gen

DATA_DIR = Path(__file__).resolve().parents[1] / "orghealth" / "sample_org" / "data"
MONTHS = {m: i + 1 for i, m in enumerate(gen.MONTHS)}
JIRA_DT = re.compile(r"^(\d{1,2})/([A-Z][a-z]{2})/(\d{2}) (\d{1,2}):(\d{2}) (AM|PM)$")
ISO_DT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$")
ACCOUNT_ID = re.compile(r"^712020:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MULTI = (
    "Labels",
    "Component/s",
    "Sprint",
    "Fix Version/s",
    "Watchers",
    "Watchers Id",
    "Inward issue link (Blocks)",
    "Outward issue link (Blocks)",
    "Inward issue link (Relates)",
    "Outward issue link (Relates)",
    "Comment",
    "Log Work",
)
CSV_COLUMNS = [
    "Summary", "Issue key", "Issue id", "Issue Type", "Status", "Status Category", "Project key",
    "Project name", "Project type", "Priority", "Resolution", "Assignee", "Assignee Id", "Reporter",
    "Reporter Id", "Creator", "Creator Id", "Created", "Updated", "Last Viewed", "Resolved", "Due date",
    "Labels", "Component/s", "Sprint", "Fix Version/s", "Description", "Watchers", "Watchers Id",
    "Inward issue link (Blocks)", "Outward issue link (Blocks)", "Inward issue link (Relates)",
    "Outward issue link (Relates)", "Custom field (Story Points)", "Custom field (Story point estimate)",
    "Parent", "Parent summary", "Custom field (Epic Link)", "Comment", "Log Work",
]  # fmt: skip


def parse_jira_dt(text: str) -> datetime:
    m = JIRA_DT.match(text)
    assert m, text
    d, mon, y, h, mi, ampm = m.groups()
    hour = int(h) % 12 + (12 if ampm == "PM" else 0)
    return datetime(2000 + int(y), MONTHS[mon], int(d), hour, int(mi))


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------------- loading
class Sample:
    """The generated files, parsed with the standard library, plus a hand-rolled STL analysis."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.config = yaml.safe_load((folder / "orghealth.yaml").read_text(encoding="utf-8"))
        self.planted = json.loads((folder / "planted.json").read_text(encoding="utf-8"))
        self.as_of: date = self.config["as_of"]
        self.window_start = datetime.combine(self.as_of - timedelta(days=90), datetime.min.time())
        self.window_end = datetime.combine(self.as_of, datetime.min.time())
        self._load_hris()
        self._load_jira()
        self._analyse()

    def _load_hris(self) -> None:
        raw = (self.folder / "hris_people.csv").read_bytes()
        self.hris_raw = raw
        with (self.folder / "hris_people.csv").open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        self.hris_header, self.hris_rows = rows[0], rows[1:]
        self.people = {r[0]: dict(zip(self.hris_header, r, strict=True)) for r in self.hris_rows}
        self.reports: dict[str, list[str]] = defaultdict(list)
        for eid, p in self.people.items():
            if p["Manager ID"]:
                self.reports[p["Manager ID"]].append(eid)
        self.by_name = {p["Full Name"]: eid for eid, p in self.people.items()}
        self.by_email = {p["Work Email"].lower(): eid for eid, p in self.people.items()}

    def active(self, eid: str) -> bool:
        return self.people[eid]["Status"] == "Active"

    def is_engineer(self, eid: str) -> bool:
        return self.people[eid]["Job Title"] in gen.ENGINEER_TITLES

    def _load_jira(self) -> None:
        with (self.folder / "jira_export.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        self.csv_header, self.csv_rows = rows[0], rows[1:]
        cols: dict[str, list[int]] = defaultdict(list)
        for i, name in enumerate(self.csv_header):
            cols[name].append(i)
        self.csv_cols = cols
        self.issues: dict[str, dict] = {}  # by key
        for r in self.csv_rows:

            def one(name: str, r=r) -> str:
                return r[cols[name][0]]

            def many(name: str, r=r) -> list[str]:
                return [r[i] for i in cols[name] if r[i]]

            self.issues[one("Issue key")] = {
                "source": "csv",
                "key": one("Issue key"),
                "id": one("Issue id"),
                "type": one("Issue Type"),
                "category": one("Status Category"),
                "project": one("Project key"),
                "assignee": one("Assignee"),
                "assignee_id": one("Assignee Id"),
                "email": "",
                "created": parse_jira_dt(one("Created")),
                "resolved": parse_jira_dt(one("Resolved")) if one("Resolved") else None,
                "labels": many("Labels"),
                "components": many("Component/s"),
                "parent_id": one("Parent"),
                "blocks_out": many("Outward issue link (Blocks)"),
                "blocks_in": many("Inward issue link (Blocks)"),
                "relates": many("Outward issue link (Relates)") + many("Inward issue link (Relates)"),
                "points": one("Custom field (Story Points)") or one("Custom field (Story point estimate)"),
            }
        self.pages = [
            json.loads(p.read_text(encoding="utf-8")) for p in sorted((self.folder / "jira_json").glob("page-*.json"))
        ]
        for page in self.pages:
            for issue in page["issues"]:
                f = issue["fields"]
                a = f["assignee"] or {}
                blocks = [x for x in f["issuelinks"] if x["type"]["name"] == "Blocks"]
                relates = [x for x in f["issuelinks"] if x["type"]["name"] == "Relates"]
                self.issues[issue["key"]] = {
                    "source": "json",
                    "key": issue["key"],
                    "id": issue["id"],
                    "type": f["issuetype"]["name"],
                    "category": f["status"]["statusCategory"]["name"],
                    "project": f["project"]["key"],
                    "assignee": a.get("displayName", ""),
                    "assignee_id": a.get("accountId", ""),
                    "email": a.get("emailAddress", ""),
                    "created": datetime.strptime(f["created"][:19], "%Y-%m-%dT%H:%M:%S"),
                    "resolved": (
                        datetime.strptime(f["resolutiondate"][:19], "%Y-%m-%dT%H:%M:%S")
                        if f["resolutiondate"]
                        else None
                    ),
                    "labels": f["labels"],
                    "components": [c["name"] for c in f["components"]],
                    "parent_id": f["parent"]["id"] if "parent" in f else "",
                    "blocks_out": [x["outwardIssue"]["key"] for x in blocks if "outwardIssue" in x],
                    "blocks_in": [x["inwardIssue"]["key"] for x in blocks if "inwardIssue" in x],
                    "relates": [(x.get("inwardIssue") or x.get("outwardIssue"))["key"] for x in relates],
                    "points": f["customfield_10016"],
                }
        self.by_id = {i["id"]: i for i in self.issues.values()}

    def resolve(self, issue: dict) -> str | None:
        aliases = self.config["identity"]["aliases"]
        if not issue["assignee_id"]:
            return None
        for k in (issue["assignee_id"], issue["assignee"]):
            if k in aliases:
                return aliases[k]
        if issue["email"] and issue["email"].lower() in self.by_email:
            return self.by_email[issue["email"].lower()]
        return self.by_name.get(issue["assignee"])

    def stream_of(self, issue: dict) -> str | None:
        if issue["type"] == "Sub-task":
            parent = self.by_id.get(issue["parent_id"])
            return self.stream_of(parent) if parent else None
        streams = self.config["work_streams"]
        parent = self.by_id.get(issue["parent_id"])
        for s in streams:
            epics = s["match"]["epics"]
            if issue["key"] in epics or (parent is not None and parent["key"] in epics):
                return s["id"]
        for field, rule in (("components", "components"), ("labels", "labels")):
            for s in streams:
                if set(issue[field]) & set(s["match"][rule]):
                    return s["id"]
        for s in streams:
            if issue["project"] in s["match"]["projects"]:
                return s["id"]
        return None

    def recent(self, issue: dict) -> bool:
        r = issue["resolved"]
        return r is not None and self.window_start < r <= self.window_end

    def _analyse(self) -> None:
        for issue in self.issues.values():
            issue["employee"] = self.resolve(issue)
            issue["stream"] = self.stream_of(issue)
            emp = issue["employee"]
            issue["team"] = self.people[emp]["Manager ID"] if emp in self.people else None
        self.recent_by_team: dict[str, Counter] = defaultdict(Counter)
        self.recent_by_person: dict[str, Counter] = defaultdict(Counter)
        for issue in self.issues.values():
            if self.recent(issue) and issue["team"]:
                self.recent_by_team[issue["team"]][issue["stream"]] += 1
                self.recent_by_person[issue["employee"]][issue["stream"]] += 1
        self.streams = {s["id"]: s for s in self.config["work_streams"]}
        self.stl_count = Counter(s["stl"].lower() for s in self.config["work_streams"] if s["stl"])

    def subtree(self, eid: str) -> list[str]:
        out, todo = [], [eid]
        while todo:
            x = todo.pop()
            out.append(x)
            todo.extend(self.reports.get(x, []))
        return out

    def engineer_reports(self, eid: str) -> list[str]:
        return [r for r in self.reports.get(eid, []) if self.is_engineer(r) and self.active(r)]


@pytest.fixture(scope="module")
def sample() -> Sample:
    return Sample(DATA_DIR)


# --------------------------------------------------------------------------------------- determinism
def test_same_arguments_give_identical_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    gen.write_sample_org(a, people=170, issues=1200, seed=7)
    gen.write_sample_org(b, people=170, issues=1200, seed=7)
    fa, fb = files_of(a), files_of(b)
    assert fa.keys() == fb.keys()
    assert fa == fb
    gen.write_sample_org(b, people=170, issues=1200, seed=8)
    assert files_of(b)[gen.JIRA_CSV_FILE] != fa[gen.JIRA_CSV_FILE]


def test_committed_sample_matches_the_generator(tmp_path: Path) -> None:
    gen.write_sample_org(tmp_path)
    fresh, committed = files_of(tmp_path), files_of(DATA_DIR)
    assert sorted(fresh) == sorted(committed)
    for name in fresh:
        assert fresh[name] == committed[name], f"{name} differs: regenerate orghealth/sample_org/data"


def test_cli_writes_the_same_files(tmp_path: Path) -> None:
    gen.main(["--out", str(tmp_path / "cli"), "--people", "170", "--issues", "1200", "--seed", "7"])
    gen.write_sample_org(tmp_path / "api", people=170, issues=1200, seed=7)
    assert files_of(tmp_path / "cli") == files_of(tmp_path / "api")


def test_readme_names_the_planted_ids(sample: Sample) -> None:
    readme = (DATA_DIR.parent / "README.md").read_text(encoding="utf-8")
    p = sample.planted
    ids = [
        p["spread_leader"], *p["spread_team_managers"], p["oversized_team_manager"], p["project_team_manager"],
        p["hub_team_manager"], *p["shared_people"], p["terminated_assignee"], p["terminated_stl"], *p["aliased"],
        p["team_of_one_manager"], p["leader_without_items"], p["malformed_hris_employee"],
        p["mixed_case_email"]["employee_id"], p["external_parent"]["issue_key"], p["external_parent"]["parent_id"],
        p["dangling_link"]["issue_key"],
    ]  # fmt: skip
    for x in ids:
        assert re.search(rf"\b{x}\b", readme), f"README.md does not mention {x}: update it from planted.json"
    assert f"line {p['malformed_hris_line']}" in readme


def test_too_small_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        gen.write_sample_org(tmp_path, people=50)


# ----------------------------------------------------------------------------------------- HRIS file
def test_hris_format(sample: Sample) -> None:
    raw = sample.hris_raw
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") == raw.count(b"\n") == len(sample.hris_rows) + 1
    assert sample.hris_header == gen.HRIS_HEADER
    assert all(len(r) == 12 for r in sample.hris_rows)
    assert len(sample.hris_rows) == sample.planted["people"] == 300
    assert len(sample.people) == len(sample.hris_rows)  # unique ids
    assert all(re.fullmatch(r"E\d{4,}", eid) for eid in sample.people)
    names = [r[1] for r in sample.hris_rows]
    emails = [r[2] for r in sample.hris_rows]
    assert len(set(names)) == len(names)
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z0-9.\-]+@acme\.example", e) for e in emails)
    assert sum(1 for n in names if not n.isascii()) >= 10
    for n in ("Zoë Ångström", "José Núñez", "Chloé Dubois", "Søren Kierkegaard"):
        assert n in sample.by_name
    assert sample.people[sample.by_name["Zoë Ångström"]]["Work Email"] == "zoe.angstrom@acme.example"


def test_hris_tree_and_statuses(sample: Sample) -> None:
    roots = [e for e, p in sample.people.items() if not p["Manager ID"]]
    assert len(roots) == 1
    assert sample.people[roots[0]]["Job Title"] == "Chief Executive Officer"
    for eid in sample.people:  # every chain ends at the CEO, no cycles
        seen, x = set(), eid
        while sample.people[x]["Manager ID"]:
            assert x not in seen
            seen.add(x)
            x = sample.people[x]["Manager ID"]
            assert x in sample.people
        assert x == roots[0]
    titles = Counter(p["Job Title"] for p in sample.people.values())
    for t in (
        "VP Engineering",
        "VP Product",
        "Chief Financial Officer",
        "Director of Engineering",
        "Engineering Manager",
        "Senior Software Engineer",
        "Product Manager",
        "Designer",
        "Recruiter",
    ):
        assert titles[t] >= 1, t
    depts = Counter(p["Department"] for p in sample.people.values())
    assert {"Engineering", "Product", "Finance", "People", "Sales"} <= set(depts)
    types = Counter(p["Employment Type"] for p in sample.people.values())
    assert types["Full-time"] > 0.8 * len(sample.people)
    assert types["Contractor"] >= 2 and types["Part-time"] >= 2
    assert set(types) == {"Full-time", "Contractor", "Part-time"}
    terminated = [e for e, p in sample.people.items() if p["Status"] == "Terminated"]
    assert 0.02 * len(sample.people) <= len(terminated) <= 0.04 * len(sample.people)
    for p in sample.people.values():
        assert p["Status"] in ("Active", "Terminated")
        assert bool(p["Termination Date"]) == (p["Status"] == "Terminated")
        if p["Termination Date"]:
            assert datetime.strptime(p["Termination Date"], "%m/%d/%Y").date() < sample.as_of
            assert p["Manager ID"]


def test_exactly_one_malformed_hire_date(sample: Sample) -> None:
    bad = []
    for n, r in enumerate(sample.hris_rows, start=2):  # line 1 is the header
        try:
            hired = datetime.strptime(r[9], "%m/%d/%Y").date()
            assert date(2012, 1, 1) <= hired < sample.as_of
            assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", r[9])
        except ValueError:
            bad.append((n, r))
    assert len(bad) == 1
    line, row = bad[0]
    assert row[9] == "31/31/2020"
    assert line == sample.planted["malformed_hris_line"]
    assert row[0] == sample.planted["malformed_hris_employee"]
    assert row[0] not in sample.reports  # nobody reports to them
    assert 0.3 < line / len(sample.hris_rows) < 0.7
    physical = sample.hris_raw.decode("utf-8-sig").split("\r\n")
    assert "31/31/2020" in physical[line - 1]


# ------------------------------------------------------------------------------------- Jira formats
def test_jira_csv_format(sample: Sample) -> None:
    raw = (sample.folder / "jira_export.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.startswith(b'"Summary","Issue key","Issue id",')
    assert b"\r\n" in raw and b"@" not in raw  # no emails anywhere
    header = sample.csv_header
    collapsed = [h for i, h in enumerate(header) if i == 0 or header[i - 1] != h]
    assert collapsed == CSV_COLUMNS
    counts = Counter(header)
    for name in MULTI:  # repeats = the most values any row has
        assert counts[name] == max(1, max(sum(1 for i in sample.csv_cols[name] if r[i]) for r in sample.csv_rows))
    assert counts["Watchers"] == counts["Watchers Id"]
    assert counts["Labels"] >= 2 and counts["Comment"] >= 2 and counts["Sprint"] >= 2
    assert all(len(r) == len(header) for r in sample.csv_rows)
    # every field is quoted: a line's first byte is a quote and no unquoted comma-separated field exists
    assert all(line.startswith(b'"') for line in raw.split(b"\r\n") if line and line[:1] != b" ")
    col = sample.csv_cols
    ids = [r[col["Issue id"][0]] for r in sample.csv_rows]
    assert len(set(ids)) == len(ids) and all(i.isdigit() for i in ids)
    assert len(sample.csv_rows) == sample.planted["csv_issues"]
    multiline = quoted = 0
    for r in sample.csv_rows:
        assert re.fullmatch(r"[A-Z]+-\d+", r[col["Issue key"][0]])
        assert r[col["Issue Type"][0]] in ("Epic", "Story", "Task", "Bug", "Sub-task")
        cat, resolved = r[col["Status Category"][0]], r[col["Resolved"][0]]
        assert cat in ("To Do", "In Progress", "Done")
        assert (cat == "Done") == bool(resolved) == bool(r[col["Resolution"][0]])
        for name in ("Created", "Updated"):
            parse_jira_dt(r[col[name][0]])
        if resolved:
            assert parse_jira_dt(resolved) >= parse_jira_dt(r[col["Created"][0]])
        assert bool(r[col["Assignee"][0]]) == bool(r[col["Assignee Id"][0]])
        if r[col["Assignee Id"][0]]:
            assert ACCOUNT_ID.match(r[col["Assignee Id"][0]])
        assert ACCOUNT_ID.match(r[col["Reporter Id"][0]])
        assert r[col["Custom field (Epic Link)"][0]] == ""
        assert r[col["Custom field (Story Points)"][0]] in ("", "1", "2", "3", "5", "8")
        for i in col["Comment"]:
            if r[i]:
                when, author, _body = r[i].split(";", 2)
                parse_jira_dt(when)
                assert ACCOUNT_ID.match(author)
        desc = r[col["Description"][0]]
        multiline += "\n" in desc and "," in desc
        quoted += '"' in desc
    assert multiline > 50 and quoted > 50
    assert any(r[col["Custom field (Story point estimate)"][0]] for r in sample.csv_rows)  # team-managed field on a few
    pay = {i["key"] for i in sample.issues.values() if i["project"] == "PAY"}
    assert pay and all(sample.issues[k]["source"] == "json" for k in pay)


def test_jira_json_pages(sample: Sample) -> None:
    pages = sample.pages
    assert len(pages) >= 2
    for page in pages[:-1]:
        assert page["nextPageToken"] and page["isLast"] is False
    assert pages[-1]["isLast"] is True and "nextPageToken" not in pages[-1]
    issues = [i for p in pages for i in p["issues"]]
    assert len(issues) == sample.planted["json_issues"]
    assert 0.07 < len(issues) / sample.planted["issues"] < 0.14
    assert sample.planted["csv_issues"] + len(issues) == sample.planted["issues"]
    emails = set()
    for issue in issues:
        f = issue["fields"]
        assert issue["self"].endswith("/rest/api/3/issue/" + issue["id"])
        assert f["project"]["key"] == "PAY" and issue["key"].startswith("PAY-")
        assert f["status"]["statusCategory"]["key"] in ("new", "indeterminate", "done")
        assert (f["status"]["statusCategory"]["key"] == "done") == (f["resolutiondate"] is not None)
        assert ISO_DT.match(f["created"]) and ISO_DT.match(f["updated"])
        assert f["issuetype"]["subtask"] == (f["issuetype"]["name"] == "Sub-task")
        for user in (f["assignee"], f["reporter"]):
            if user:
                assert ACCOUNT_ID.match(user["accountId"]) and isinstance(user["active"], bool)
                if "emailAddress" in user:
                    emails.add(user["emailAddress"])
        if "parent" in f:
            assert sample.by_id[f["parent"]["id"]]["key"] == f["parent"]["key"]
        assert f["customfield_10016"] in (None, 1, 2, 3, 5, 8)
    assert emails and any(e != e.lower() for e in emails)
    assert all(e.lower() in sample.by_email for e in emails)
    assert sample.planted["mixed_case_email"]["jira_email"] in emails
    # the same person has the same accountId and display name in both formats
    seen: dict[str, str] = {}
    for i in sample.issues.values():
        if i["assignee_id"]:
            assert seen.setdefault(i["assignee_id"], i["assignee"]) == i["assignee"]
    csv_people = {i["assignee_id"] for i in sample.issues.values() if i["source"] == "csv"}
    json_people = {i["assignee_id"] for i in sample.issues.values() if i["source"] == "json"}
    assert csv_people & json_people


def test_parents_and_links_are_consistent(sample: Sample) -> None:
    issues = sample.issues
    missing = [i for i in issues.values() if i["parent_id"] and i["parent_id"] not in sample.by_id]
    assert [i["key"] for i in missing] == [sample.planted["external_parent"]["issue_key"]]
    for i in issues.values():
        if i["type"] == "Sub-task":
            assert i["parent_id"]
        parent = sample.by_id.get(i["parent_id"])
        if parent:
            assert parent["created"] < i["created"]
            assert parent["type"] == ("Epic" if i["type"] != "Sub-task" else parent["type"])
            assert parent["type"] != "Sub-task"
    # Blocks links are written on both ends (CSV and JSON alike)
    dangling = []
    for i in issues.values():
        for other in i["blocks_out"]:
            assert i["key"] in issues[other]["blocks_in"]
        for other in i["blocks_in"]:
            if other not in issues:
                dangling.append((i["key"], other))
                continue
            assert i["key"] in issues[other]["blocks_out"]
        for other in i["relates"]:
            assert other in issues and i["key"] in issues[other]["relates"]
    assert dangling == [(sample.planted["dangling_link"]["issue_key"], "LEGACY-17")]
    cross = [
        (i["key"], o)
        for i in issues.values()
        for o in i["blocks_out"]
        if (i["source"] == "json") != (issues[o]["source"] == "json")
    ]
    assert cross  # links between PAY (JSON) and CSV projects exist


def test_config_schema(sample: Sample) -> None:
    text = (sample.folder / "orghealth.yaml").read_text(encoding="utf-8")
    assert text.startswith("# GENERATED")
    cfg = sample.config
    assert cfg["org_name"] == "Acme"
    assert cfg["as_of"] == date(2026, 11, 20)
    assert cfg["hris"] == {"path": "hris_people.csv", "date_format": "MM/DD/YYYY"}
    assert cfg["jira"] == {"paths": ["jira_export.csv", "jira_json"], "dependency_link_types": ["Blocks"]}
    streams = cfg["work_streams"]
    assert 8 <= len(streams) <= 12
    kinds = Counter(s["kind"] for s in streams)
    assert kinds["project"] == 2 and 1 <= kinds["product"] <= 2 and kinds["program"] > len(streams) / 2
    for s in streams:
        assert set(s) == {"id", "name", "kind", "stl", "match"}
        assert set(s["match"]) == {"projects", "epics", "labels", "components"}
    stls = [s["stl"] for s in streams]
    assert stls.count("") == 1
    for stl in filter(None, stls):
        eid = sample.by_email[stl]
        assert "Manager" in sample.people[eid]["Job Title"] or "Director" in sample.people[eid]["Job Title"]
    terminated = [s for s in streams if s["stl"] and not sample.active(sample.by_email[s["stl"]])]
    assert [s["id"] for s in terminated] == [sample.planted["terminated_stl_stream"]]
    rules = Counter(r for s in streams for r, v in s["match"].items() if v)
    assert all(rules[r] >= 1 for r in ("projects", "epics", "labels", "components"))
    aliases = cfg["identity"]["aliases"]
    assert len(aliases) == 2 and set(aliases.values()) == set(sample.planted["aliased"])
    assert any(ACCOUNT_ID.match(k) for k in aliases) and any(not k.startswith("712020:") for k in aliases)


# ------------------------------------------------------------------------------------ identities
def test_identities(sample: Sample) -> None:
    assigned = [i for i in sample.issues.values() if i["assignee_id"]]
    unresolved = Counter(i["assignee"] for i in assigned if i["employee"] is None)
    assert list(unresolved) == ["Alex Vendor"] and unresolved["Alex Vendor"] >= 3
    assert "Alex Vendor" not in sample.by_name
    for d in sample.planted["alias_details"]:
        assert d["jira_display_name"] not in sample.by_name
        assert sample.people[d["employee_id"]]["Full Name"] == d["hris_name"]
        mine = [i for i in assigned if i["assignee"] == d["jira_display_name"]]
        assert mine and all(i["employee"] == d["employee_id"] for i in mine)
    # apart from the aliases and the vendor, Jira names are HRIS names
    assert all(
        i["assignee"] in sample.by_name
        for i in assigned
        if i["employee"] and i["assignee"] != "Bob Smith" and i["assignee"] != "Zoe Angstrom"
    )
    engineers = sum(1 for i in assigned if i["employee"] and sample.is_engineer(i["employee"]))
    managers = sum(1 for i in assigned if i["employee"] and "Manager" in sample.people[i["employee"]]["Job Title"])
    assert engineers > 0.9 * len(assigned) and managers > 0
    assert not any(i["employee"] and sample.people[i["employee"]]["Department"] != "Engineering" for i in assigned)
    # the terminated assignee: resolved work before leaving, open work still assigned
    eid = sample.planted["terminated_assignee"]
    left = datetime.strptime(sample.people[eid]["Termination Date"], "%m/%d/%Y")
    mine = [i for i in assigned if i["employee"] == eid]
    assert any(i["resolved"] is None for i in mine)
    assert any(i["resolved"] is not None and i["resolved"] < left for i in mine)
    assert all(i["resolved"] is None or i["resolved"] < left for i in mine)


# ------------------------------------------------------------------------------------ planted patterns
def test_spread_leader(sample: Sample) -> None:
    leader = sample.planted["spread_leader"]
    assert sample.people[leader]["Job Title"] == "Director of Engineering"
    assert sample.stl_count[sample.people[leader]["Work Email"]] == 2
    teams = [m for m in sample.reports[leader] if sample.reports.get(m)]
    assert 2 <= len(teams) <= 3
    org = Counter()
    for m in sample.subtree(leader):
        org.update(sample.recent_by_team.get(m, Counter()))
    total = sum(org.values())
    assert total > 60
    big = [s for s, n in org.items() if n / total >= 0.2]
    assert len(big) >= 3
    assert max(org.values()) / total <= 0.45


def test_oversized_team(sample: Sample) -> None:
    em = sample.planted["oversized_team_manager"]
    assert sample.people[em]["Job Title"] == "Engineering Manager"
    assert len(sample.engineer_reports(em)) == 14 > 8
    assert 1 + len(sample.reports[em]) >= 15
    others = [m for m in sample.reports if m != em and sample.people[m]["Job Title"] == "Engineering Manager"]
    assert all(len(sample.engineer_reports(m)) <= 8 for m in others)


def test_project_team(sample: Sample) -> None:
    em = sample.planted["project_team_manager"]
    stream = sample.planted["project_stream"]
    assert sample.streams[stream]["kind"] == "project"
    recent = sample.recent_by_team[em]
    assert sum(recent.values()) >= 20
    assert recent[stream] / sum(recent.values()) >= 0.8
    mine = [i for i in sample.issues.values() if i["stream"] == stream]
    first = min(i["created"] for i in mine)
    assert first < datetime.combine(sample.as_of - timedelta(days=180), datetime.min.time())
    assert any(i["resolved"] is None for i in mine)
    # the epics listed in the config are real epics of the project team
    for key in sample.streams[stream]["match"]["epics"]:
        assert sample.issues[key]["type"] == "Epic"
    # the other project stream is young
    young = [s for s in sample.streams.values() if s["kind"] == "project" and s["id"] != stream]
    first_young = min(i["created"] for i in sample.issues.values() if i["stream"] == young[0]["id"])
    assert first_young > datetime.combine(sample.as_of - timedelta(days=180), datetime.min.time())


def test_hub_team(sample: Sample) -> None:
    out_links: dict[str, list[str]] = defaultdict(list)  # blocking team -> blocked teams
    in_count: Counter = Counter()
    for i in sample.issues.values():
        for other in i["blocks_out"]:
            j = sample.issues[other]
            if i["team"] and j["team"] and i["team"] != j["team"]:
                out_links[i["team"]].append(j["team"])
                in_count[j["team"]] += 1
    hub = sample.planted["hub_team_manager"]
    assert len(out_links[hub]) >= 40
    assert len(set(out_links[hub])) >= 5
    assert in_count[hub] * 5 < len(out_links[hub])
    assert set(out_links[hub]) == set(sample.planted["hub_blocked_team_managers"])
    for team, blocked in out_links.items():
        if team != hub:
            assert len(blocked) <= 4 and len(set(blocked)) < len(set(out_links[hub])), (team, blocked)


def test_shared_people(sample: Sample) -> None:
    shared = sample.planted["shared_people"]
    assert len(shared) >= 6
    for eid in shared:
        assert sample.is_engineer(eid) and sample.active(eid)
        recent = sample.recent_by_person[eid]
        total = sum(recent.values())
        top = recent.most_common(2)
        assert total >= 5, (eid, recent)
        assert len(top) == 2 and top[0][1] / total <= 0.7 and top[1][1] / total >= 0.3, (eid, recent)
    # most other engineers are focused
    focused = [
        e
        for e, c in sample.recent_by_person.items()
        if e not in shared and sum(c.values()) >= 5 and c.most_common(1)[0][1] / sum(c.values()) >= 0.7
    ]
    assert len(focused) > 5 * len(shared)


def test_healthy_teams_and_recent_work(sample: Sample) -> None:
    ems = [e for e, p in sample.people.items() if p["Job Title"] == "Engineering Manager" and sample.reports.get(e)]
    healthy = 0
    for em in ems:
        recent = sample.recent_by_team.get(em, Counter())
        if em == sample.planted["leader_without_items"]:
            continue
        assert sum(recent.values()) >= 5, (em, recent)  # every team has plenty of recent work
        top, n = recent.most_common(1)[0]
        stream = sample.streams.get(top)
        if (
            stream
            and stream["kind"] == "program"
            and n / sum(recent.values()) >= 0.7
            and 3 <= len(sample.engineer_reports(em)) <= 8
            and stream["stl"]
            and sample.stl_count[stream["stl"]] == 1
        ):
            healthy += 1
    assert healthy > len(ems) / 2
    # and older resolved plus open work too
    resolved_old = [i for i in sample.issues.values() if i["resolved"] and not sample.recent(i)]
    open_ = [i for i in sample.issues.values() if i["resolved"] is None]
    assert len(resolved_old) > 500 and len(open_) > 300


def test_edge_cases(sample: Sample) -> None:
    one = sample.planted["team_of_one_manager"]
    assert len(sample.reports[one]) == 1
    assert sum(sample.recent_by_team[one].values()) > 0
    quiet = sample.planted["leader_without_items"]
    team = {quiet, *sample.reports[quiet]}
    assert len(team) >= 3
    assert not any(i["employee"] in team for i in sample.issues.values())


def test_dirty_data(sample: Sample) -> None:
    issues = list(sample.issues.values())
    unmapped = [i for i in issues if i["stream"] is None]
    assert 0.03 <= len(unmapped) / len(issues) <= 0.08
    stories = [i for i in issues if i["type"] in ("Story", "Task", "Bug")]
    assert any(not i["points"] for i in stories) and any(i["points"] for i in stories)
    assert any(i["assignee_id"] == "" for i in issues)


# ---------------------------------------------------------------------------------------- scale
def test_large_run(tmp_path: Path) -> None:
    start = time.perf_counter()
    gen.write_sample_org(tmp_path, people=2000, issues=20000)
    assert time.perf_counter() - start < 120
    big = Sample(tmp_path)
    assert len(big.people) == 2000
    assert len(big.issues) == 20000
    assert all(len(r) == len(big.csv_header) for r in big.csv_rows)
    ems = [e for e, p in big.people.items() if p["Job Title"] == "Engineering Manager" and big.reports.get(e)]
    sizes = Counter(3 <= len(big.engineer_reports(e)) <= 8 for e in ems)
    assert sizes[True] > 0.9 * len(ems)
    assert len(big.engineer_reports(big.planted["oversized_team_manager"])) == 14
    hub = big.planted["hub_team_manager"]
    blocked = {big.issues[o]["team"] for i in big.issues.values() if i["team"] == hub for o in i["blocks_out"]}
    assert len(blocked - {hub, None}) >= 5
    assert 0.07 < big.planted["json_issues"] / 20000 < 0.14
