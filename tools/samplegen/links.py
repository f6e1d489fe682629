"""Issue links of the sample org: the hub team's Blocks links, background links, and two dirty references."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from tools.samplegen.catalog import DANGLING_LINK_KEY, EPIC, EXTERNAL_PARENT, JSON_PROJECT, PAY_PROJECT, PROJECTS, STORY
from tools.samplegen.org import Org, Team
from tools.samplegen.work import IssueTable

# (link type, "in" or "out", the other issue's row or an external key, link id)
Link = tuple[str, str, int | str, int]
FIRST_LINK_ID = 10500


@dataclass
class LinkPlan:
    by_issue: dict[int, list[Link]]
    hub_targets: list[int]  # managers of the teams the hub team blocks
    dangling: int  # the issue blocked by an issue outside the export
    external: int  # the issue whose parent is outside the export
    external_parent_id: int


def plan_links(rng: random.Random, org: Org, issues: IssueTable, n_issues: int) -> LinkPlan:
    """Plan every link; also points one issue's parent outside the export (in ``issues``)."""
    return _LinkPlanner(rng, org, issues).plan(n_issues)


class _LinkPlanner:
    def __init__(self, rng: random.Random, org: Org, issues: IssueTable) -> None:
        self.rng = rng
        self.org = org
        self.issues = issues
        self.links: dict[int, list[Link]] = {}
        self.seen: set[tuple[int, int, str]] = set()
        self.last_link_id = FIRST_LINK_ID

    # The rng is shared with every later step, so the order of the steps below is part of the output.
    def plan(self, n_issues: int) -> LinkPlan:
        hub = self.org.planted.hub_team
        others = [t for t in self.org.teams if t.role not in ("hub", "noitems") and t.members]
        others = [t for t in others if self._pick(t) is not None]
        targets = self._plan_hub_blocks(hub, others)
        self._plan_blocks_into_hub(hub, others)
        self._plan_background_blocks(others, n_issues)
        self._plan_relates(others, n_issues)
        dangling = self._plant_dangling_link()
        external, external_parent_id = self._plant_external_parent()
        return LinkPlan(self.links, [t.manager for t in targets], dangling, external, external_parent_id)

    def _pick(self, team: Team, cond: Callable[[int], bool] | None = None) -> int | None:
        """A random non-epic issue assigned to one of the team's members (and meeting cond), if one is found."""
        start, end = self.issues.team_range[team.idx]
        if end <= start:
            return None
        members = team.members
        for _ in range(200):
            i = self.rng.randrange(start, end)
            if self.issues.issue_type[i] != EPIC and self.issues.assignee[i] in members and (cond is None or cond(i)):
                return i
        return None

    def _add(self, a: int, b: int | str, kind: str) -> bool:
        """a -> b: "a blocks b" / "a relates to b"; b may be an external key."""
        if isinstance(b, int) and (a == b or (a, b, kind) in self.seen or (b, a, kind) in self.seen):
            return False
        self.last_link_id += 1
        self.links.setdefault(a, []).append((kind, "out", b, self.last_link_id))
        if isinstance(b, int):
            self.seen.add((a, b, kind))
            self.links.setdefault(b, []).append((kind, "in", a, self.last_link_id))
        return True

    def _plan_hub_blocks(self, hub: Team, others: list[Team]) -> list[Team]:
        """The hub team blocks 10 (12 in big orgs) other teams, the planted teams among them."""
        rng, issues, planted = self.rng, self.issues, self.org.planted
        start, end = issues.team_range[hub.idx]
        blockers = [i for i in range(start, end) if issues.issue_type[i] != EPIC and issues.assignee[i] in hub.members]
        n_hub = max(45, round(len(blockers) * 0.4))
        preferred = [planted.oversized_team, planted.project_team, *planted.spread_teams]
        rest = [t for t in others if t not in preferred]
        k = min(len(others), 10 if len(others) < 100 else 12)
        targets = [t for t in preferred if t in others] + rng.sample(rest, k - len(preferred))
        done = 0
        guard = 0
        while done < n_hub and guard < n_hub * 50:
            guard += 1
            b = self._pick(targets[done % len(targets)])
            if b is not None and self._add(rng.choice(blockers), b, "Blocks"):
                done += 1
        return targets

    def _plan_blocks_into_hub(self, hub: Team, others: list[Team]) -> None:
        for _ in range(3):
            a = self._pick(self.rng.choice(others))
            b = self._pick(hub)
            if a is not None and b is not None:
                self._add(a, b, "Blocks")

    def _plan_background_blocks(self, others: list[Team], n_issues: int) -> None:
        """Only a few Blocks links between the other teams (at most 3 out of any one team)."""
        n_rand = max(8, round(n_issues * 0.003))
        per_team: dict[int, int] = {}
        done = guard = 0
        while done < n_rand and guard < n_rand * 50:
            guard += 1
            t1, t2 = self.rng.sample(others, 2)
            if per_team.get(t1.idx, 0) >= 3:
                continue
            a, b = self._pick(t1), self._pick(t2)
            if a is not None and b is not None and self._add(a, b, "Blocks"):
                per_team[t1.idx] = per_team.get(t1.idx, 0) + 1
                done += 1

    def _plan_relates(self, others: list[Team], n_issues: int) -> None:
        """Relates links (not dependencies), mostly inside a team."""
        rng = self.rng
        n_rel = max(25, round(n_issues * 0.012))
        done = guard = 0
        while done < n_rel and guard < n_rel * 50:
            guard += 1
            t1 = rng.choice(others)
            t2 = t1 if rng.random() < 0.7 else rng.choice(others)
            a, b = self._pick(t1), self._pick(t2)
            if a is not None and b is not None and self._add(a, b, "Relates"):
                done += 1

    def _csv_filler_teams(self) -> list[Team]:
        return [t for t in self.org.teams if t.role == "filler" and PROJECTS[t.home][0] != JSON_PROJECT]

    def _in_csv(self, i: int) -> bool:
        return self.issues.project[i] != PAY_PROJECT

    def _plant_dangling_link(self) -> int:
        """An issue blocked by an issue that is not in the export."""
        filler = self._csv_filler_teams()
        dang = None
        while dang is None:
            dang = self._pick(self.rng.choice(filler), self._in_csv)
        # (_add hands out ids above FIRST_LINK_ID, so this one is still unique)
        self.links.setdefault(dang, []).append(("Blocks", "in", DANGLING_LINK_KEY, FIRST_LINK_ID))
        return dang

    def _plant_external_parent(self) -> tuple[int, int]:
        """A standalone story whose parent id is a deleted issue id (so it is not in the export)."""
        issues = self.issues

        def standalone_story(i: int) -> bool:
            return self._in_csv(i) and issues.issue_type[i] == STORY and issues.parent[i] == -1

        filler = self._csv_filler_teams()
        ext = None
        while ext is None:
            ext = self._pick(self.rng.choice(filler), standalone_story)
        issues.parent[ext] = EXTERNAL_PARENT
        mid_gaps = [g for g in issues.id_gaps if g < issues.ids[ext]] or [max(issues.ids) + 7]
        return ext, mid_gaps[len(mid_gaps) // 2]
