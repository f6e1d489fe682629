"""The whole in-memory plan of the sample org: people and teams, issues, links.  No file is written here."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from tools.samplegen.catalog import EPIC, GDPR, MIN_ISSUES, MIN_PEOPLE
from tools.samplegen.clock import Clock
from tools.samplegen.links import LinkPlan, plan_links
from tools.samplegen.org import Org, build_org
from tools.samplegen.work import IssueTable, plan_issues


@dataclass
class SamplePlan:
    n_people: int
    n_issues: int
    seed: int
    as_of: date
    # The writers keep drawing from this rng (for details no test depends on, such as comments), so
    # they must run in a fixed order for the files to be byte-identical.
    rng: random.Random
    clock: Clock
    org: Org
    issues: IssueTable
    links: LinkPlan

    def gdpr_epic_keys(self) -> list[str]:
        """The project team's GDPR epics, which the gdpr-retention stream matches by key."""
        issues = self.issues
        start, end = issues.team_range[self.org.planted.project_team.idx]
        epics = [i for i in range(start, end) if issues.issue_type[i] == EPIC and issues.stream[i] == GDPR]
        return [issues.key(i) for i in sorted(epics, key=issues.ids.__getitem__)]


def plan_sample_org(n_people: int, n_issues: int, seed: int, as_of: date) -> SamplePlan:
    if n_people < MIN_PEOPLE:
        raise ValueError(f"people must be >= {MIN_PEOPLE}")
    if n_issues < MIN_ISSUES:
        raise ValueError(f"issues must be >= {MIN_ISSUES}")
    rng = random.Random(seed)
    clock = Clock(as_of)
    org = build_org(rng, clock, n_people)
    issues = plan_issues(rng, clock, org, n_issues)
    links = plan_links(rng, org, issues, n_issues)
    return SamplePlan(n_people, n_issues, seed, as_of, rng, clock, org, issues, links)
