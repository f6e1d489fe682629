"""The people and teams of the sample org, with the org-chart patterns planted into them.

``build_org`` lays out the hierarchy (CEO -> VPs/CFO/CPO -> directors -> managers -> individual
contributors), plants the fixed engineering teams the tests look for, fills the remaining headcount
with healthy filler teams and non-engineering departments, and gives every engineer a work mix: the
streams their Jira issues will be spread over.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from tools.samplegen.catalog import (
    CHECKOUT,
    DATA,
    DCEXIT,
    DOMAIN,
    ENGINEER_TITLE_WEIGHTS,
    ENGINEER_TITLES,
    FILLER_STREAMS,
    GDPR,
    IDENTITY,
    MERCHANT,
    MOBILE,
    NOTIFS,
    PAYMENTS,
    PLATFORM,
    PROJECT_INDEX,
    REPORTING,
    SEARCH,
    STREAMS,
    UNKNOWN_ASSIGNEE,
    UNMAPPED,
)
from tools.samplegen.clock import Clock
from tools.samplegen.sizing import alloc, engineering_levels, even_split, plan_units, team_sizes, upper_levels
from tools.samplegen.vocabulary import (
    FIRST_NAMES,
    LAST_NAMES,
    LOCATIONS,
    NON_ENG_GROUPS,
    ORG_NAMES,
    STREAM_AREAS,
    TEAM_SUFFIXES,
    cap,
    email_local,
)

# A work mix: (stream index, share of the person's issues) pairs, the person's primary stream first.
WorkMix = list[tuple[int, float]]


@dataclass(slots=True)
class Person:
    idx: int
    name: str
    email: str
    title: str
    dept: str
    team: str
    manager: int | None
    hire: date
    location: str
    emp_type: str = "Full-time"
    term: date | None = None
    eid: str = ""
    engineer: bool = False
    reports: list[int] = field(default_factory=list)
    account_id: str = ""
    jira_name: str = ""
    email_visible: bool = False
    jira_email: str = ""


@dataclass(slots=True)
class Team:
    idx: int
    name: str
    manager: int
    members: list[int]
    primary: int
    home: int  # project index
    role: str


@dataclass(frozen=True)
class PlantedOrg:
    """Who carries each planted pattern (person indexes, or the teams themselves)."""

    spread_leader: int
    spread_teams: list[Team]
    oversized_team: Team
    project_team: Team
    hub_team: Team
    team_of_one: Team
    team_without_items: Team
    shared_people: list[int]
    terminated_assignee: int
    terminated_stl: int
    aliased_name: int  # a Jira display name that differs from HRIS, aliased by accountId
    aliased_account: int  # a Jira display name that differs from HRIS, aliased by that name
    mixed_case_email: int
    stl: dict[int, int | None]  # stream index -> its single-threaded leader (None: empty STL)


@dataclass
class Org:
    people: list[Person]
    teams: list[Team]
    mix: dict[int, WorkMix]
    weight_boost: dict[int, float]  # people who should get more issues than their tenure alone gives
    planted: PlantedOrg
    shared: set[int]
    hris_order: list[int]  # person indexes in employee-id order
    vendor_account: str
    malformed: int  # the person whose HRIS row has an unparseable hire date
    malformed_line: int
    product_managers: list[int]


def build_org(rng: random.Random, clock: Clock, n_people: int) -> Org:
    return _OrgBuilder(rng, clock, n_people).build()


def _account_id(rng: random.Random) -> str:
    u = f"{rng.getrandbits(128):032x}"
    return f"712020:{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}"


def _team_slots(parents: list[int], n_teams: int) -> Iterator[tuple[int, int]]:
    """(parent, team number) for n_teams teams spread evenly over their parents."""
    i = 0
    for parent, count in zip(parents, even_split(n_teams, len(parents)), strict=True):
        for _ in range(count):
            yield parent, i
            i += 1


class _OrgBuilder:
    def __init__(self, rng: random.Random, clock: Clock, n_people: int) -> None:
        self.rng = rng
        self.clock = clock
        self.n_people = n_people
        self.people: list[Person] = []
        self.teams: list[Team] = []
        self.used_names: set[str] = {UNKNOWN_ASSIGNEE, "Bob Smith", "Zoe Angstrom"}
        self.used_emails: set[str] = set()
        self.mix: dict[int, WorkMix] = {}
        self.weight_boost: dict[int, float] = {}

    # The rng is shared with every later step, so the order of the steps below is part of the output.
    def build(self) -> Org:
        vpe, heads = self._add_executives()
        self._add_commerce(vpe)
        self._add_platform(vpe)
        self._add_core_services(vpe)
        self._add_merchant_experience(vpe)
        self._set_planted_work_mixes()
        shared = self._plant_shared_people()
        n_non_eng = max(40, round(self.n_people * 0.22))
        filler_teams = self._add_engineering_filler(vpe, self.n_people - len(self.people) - n_non_eng)
        shared += self._plant_shared_filler_people(filler_teams)
        self._add_non_engineering(heads, n_non_eng)
        assert len(self.people) == self.n_people, (len(self.people), self.n_people)
        self._terminate_some(exclude=set(shared))
        planted = self._planted(shared)
        hris_order = self._assign_employee_ids()
        vendor_account = self._assign_jira_identities(planted)
        malformed, malformed_line = self._pick_malformed_row(hris_order)
        return Org(
            people=self.people,
            teams=self.teams,
            mix=self.mix,
            weight_boost=self.weight_boost,
            planted=planted,
            shared=set(shared),
            hris_order=hris_order,
            vendor_account=vendor_account,
            malformed=malformed,
            malformed_line=malformed_line,
            product_managers=[
                p.idx
                for p in self.people
                if p.title in ("Product Manager", "Senior Product Manager") and p.term is None
            ],
        )

    # ------------------------------------------------------------------ people
    def rand_date(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=self.rng.randint(0, max(0, (hi - lo).days)))

    def _new_name(self) -> str:
        rng = self.rng
        for _ in range(40):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name not in self.used_names:
                return name
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
            if name not in self.used_names:
                return name

    def add(
        self,
        title: str,
        dept: str,
        team: str,
        manager: int | None,
        hire: date,
        *,
        name: str | None = None,
        engineer: bool = False,
        emp_type: str = "Full-time",
    ) -> int:
        name = name or self._new_name()
        self.used_names.add(name)
        local = email_local(name)
        email, n = f"{local}@{DOMAIN}", 2
        while email in self.used_emails:
            email, n = f"{local}{n}@{DOMAIN}", n + 1
        self.used_emails.add(email)
        loc = self.rng.choices([x[0] for x in LOCATIONS], [x[1] for x in LOCATIONS])[0]
        p = Person(len(self.people), name, email, title, dept, team, manager, hire, loc, emp_type)
        p.engineer = engineer
        self.people.append(p)
        if manager is not None:
            self.people[manager].reports.append(p.idx)
        return p.idx

    def _leaf_hire(self) -> date:
        clock = self.clock
        lo, hi = clock.day(clock.founded) + 60, clock.as_of_day - 10
        return clock.date_of(int(self.rng.triangular(lo, hi, hi)))

    def _eng_title(self, pool: tuple[str, ...] | None = None) -> str:
        if pool:
            return self.rng.choice(pool)
        return self.rng.choices(ENGINEER_TITLES, ENGINEER_TITLE_WEIGHTS)[0]

    def make_team(
        self,
        name: str,
        parent: int,
        n_eng: int,
        *,
        role: str,
        primary: int,
        home: str,
        em_name: str | None = None,
        em_hire: date | None = None,
        eng_hire: tuple[date, date] | None = None,
        names: dict[int, str] | None = None,
        title_pool: tuple[str, ...] | None = None,
    ) -> Team:
        clock = self.clock
        em_hire = em_hire or self.rand_date(clock.founded + timedelta(days=200), clock.as_of - timedelta(days=700))
        em = self.add("Engineering Manager", "Engineering", name, parent, em_hire, name=em_name)
        team = Team(len(self.teams), name, em, [], primary, PROJECT_INDEX[home], role)
        for k in range(n_eng):
            hire = self.rand_date(*eng_hire) if eng_hire else self._leaf_hire()
            emp = "Contractor" if role == "filler" and self.rng.random() < 0.05 else "Full-time"
            pid = self.add(
                self._eng_title(title_pool),
                "Engineering",
                name,
                em,
                hire,
                name=(names or {}).get(k),
                engineer=True,
                emp_type=emp,
            )
            team.members.append(pid)
        self.teams.append(team)
        return team

    def _add_management_levels(self, head: int, levels: list[int], add_node: Callable[[int, int], int]) -> list[int]:
        """Add the management levels under head, top level first; add_node(parent, depth) adds one node.

        Returns the bottom level, the parents of the leaf teams.
        """
        parents = [head]
        for depth in range(len(levels) - 1, -1, -1):
            new = []
            for par, c in zip(parents, even_split(levels[depth], len(parents)), strict=True):
                for _ in range(c):
                    new.append(add_node(par, depth))
            parents = new
        return parents

    # ------------------------------------------------------------------ planted structures
    def _add_executives(self) -> tuple[int, dict[str, int]]:
        """The CEO, VP Engineering and the heads of the other departments."""
        founded, as_of = self.clock.founded, self.clock.as_of
        days = timedelta(days=1)
        exec_hire = (founded + 20 * days, founded + 1500 * days)
        ceo = self.add("Chief Executive Officer", "Executive", "Executive", None, founded)
        vpe = self.add("VP Engineering", "Engineering", "Engineering Leadership", ceo, self.rand_date(*exec_hire))
        heads = {
            "Product": self.add("VP Product", "Product", "Product Leadership", ceo, self.rand_date(*exec_hire)),
            "Sales": self.add("VP Sales", "Sales", "Sales Leadership", ceo, self.rand_date(*exec_hire)),
            "Finance": self.add("Chief Financial Officer", "Finance", "Finance", ceo, self.rand_date(*exec_hire)),
            "People": self.add("Chief People Officer", "People", "People", ceo, self.rand_date(*exec_hire)),
        }
        self.add("Executive Assistant", "Executive", "Executive", ceo, self.rand_date(founded, as_of - 400 * days))
        return vpe, heads

    @property
    def _planted_hire(self) -> tuple[date, date]:
        # long enough ago that planted engineers have a full history of resolved work
        return self.clock.founded + timedelta(days=100), self.clock.as_of - timedelta(days=520)

    def _add_director(self, vpe: int, name: str | None, org: str) -> int:
        clock = self.clock
        hire = self.rand_date(clock.founded + timedelta(days=100), clock.as_of - timedelta(days=900))
        return self.add("Director of Engineering", "Engineering", org, vpe, hire, name=name)

    def _add_commerce(self, vpe: int) -> None:
        """The spread leader: three teams whose engineers work on checkout / merchant / search in turn."""
        self.spread_leader = self._add_director(vpe, "Chloé Dubois", "Commerce")
        hire = self._planted_hire
        d_a = self.spread_leader
        self.spread = [
            self.make_team("Checkout Core", d_a, 5, role="spread", primary=CHECKOUT, home="CHK", eng_hire=hire),
            self.make_team("Merchant Tools", d_a, 5, role="spread", primary=MERCHANT, home="MER", eng_hire=hire),
            self.make_team("Storefront", d_a, 4, role="spread", primary=SEARCH, home="SRCH", eng_hire=hire),
        ]
        trio = (CHECKOUT, MERCHANT, SEARCH)
        k = 0
        for t in self.spread:
            for pid in t.members:
                own = trio[k % 3]
                other = trio[(k + 1 + self.rng.randrange(2)) % 3]
                self.mix[pid] = [(own, 0.86), (other, 0.04), (DCEXIT, 0.04), (UNMAPPED, 0.06)]
                k += 1
            self.mix[t.manager] = [(t.primary, 1.0)]

    def _add_platform(self, vpe: int) -> None:
        """The hub team, a data team with an aliased person, and a team of one."""
        self.platform_director = d_b = self._add_director(vpe, None, "Platform")
        hire = self._planted_hire
        self.hub = self.make_team(
            "Developer Platform", d_b, 6, role="hub", primary=PLATFORM, home="PLAT", em_name="José Núñez", eng_hire=hire
        )
        self.data = self.make_team(
            "Data Platform",
            d_b,
            6,
            role="healthy",
            primary=DATA,
            home="DATA",
            eng_hire=hire,
            names={2: "Robert Smith"},
        )
        self.one = self.make_team(
            "Release Engineering", d_b, 1, role="one", primary=PLATFORM, home="ENG", eng_hire=hire
        )

    def _add_core_services(self, vpe: int) -> None:
        """The oversized payments team, the project team, identity and search."""
        d_c = self._add_director(vpe, None, "Core Services")
        hire = self._planted_hire
        self.pay = self.make_team(
            "Payments",
            d_c,
            14,
            role="oversized",
            primary=PAYMENTS,
            home="PAY",
            em_name="Søren Kierkegaard",
            eng_hire=hire,
        )
        self.comp = self.make_team(
            "Compliance Engineering", d_c, 5, role="project", primary=GDPR, home="DATA", eng_hire=hire
        )
        self.ident = self.make_team("Identity", d_c, 6, role="healthy", primary=IDENTITY, home="IAM", eng_hire=hire)
        self.search = self.make_team(
            "Search Relevance",
            d_c,
            5,
            role="healthy",
            primary=SEARCH,
            home="SRCH",
            eng_hire=hire,
            names={1: "Zoë Ångström"},
        )

    def _add_merchant_experience(self, vpe: int) -> None:
        """Mobile (a product), messaging (empty STL), reporting (STL has left), a new team without issues."""
        d_d = self._add_director(vpe, None, "Merchant Experience")
        founded, as_of = self.clock.founded, self.clock.as_of
        days = timedelta(days=1)
        hire = self._planted_hire
        self.mobile = self.make_team(
            "Mobile",
            d_d,
            6,
            role="healthy",
            primary=MOBILE,
            home="MOB",
            eng_hire=hire,
            title_pool=("Mobile Engineer", "Senior Software Engineer", "QA Engineer"),
        )
        self.msg = self.make_team("Messaging", d_d, 4, role="healthy", primary=NOTIFS, home="NOTIF", eng_hire=hire)
        ex_hire = self.rand_date(founded + 900 * days, founded + 1500 * days)
        self.former_manager = self.add("Engineering Manager", "Engineering", "Reporting", d_d, ex_hire)
        self.people[self.former_manager].term = as_of - 112 * days
        self.rpt = self.make_team(
            "Reporting",
            d_d,
            4,
            role="healthy",
            primary=REPORTING,
            home="RPT",
            em_hire=as_of - 150 * days,
            eng_hire=hire,
        )
        new_hire = (as_of - 50 * days, as_of - 10 * days)
        self.ml = self.make_team(
            "Applied ML",
            d_d,
            3,
            role="noitems",
            primary=DATA,
            home="DATA",
            em_hire=as_of - 60 * days,
            eng_hire=new_hire,
        )
        # an identity engineer who left 6 weeks ago, still assigned to open issues
        self.terminated_assignee = self.ident.members[-1]
        self.people[self.terminated_assignee].term = as_of - 42 * days

    def _set_planted_work_mixes(self) -> None:
        planted = (self.hub, self.data, self.one, self.pay, self.comp, self.ident, self.search, self.mobile)
        for t in (*planted, self.msg, self.rpt):
            self.mix[t.manager] = [(t.primary, 1.0)]
            for pid in t.members:
                if t.role == "hub":
                    self.mix[pid] = [(PLATFORM, 0.9), (DCEXIT, 0.04), (UNMAPPED, 0.06)]
                    self.weight_boost[pid] = 1.5
                elif t.role == "one":
                    self.mix[pid] = [(PLATFORM, 0.9), (UNMAPPED, 0.1)]
                    self.weight_boost[pid] = 1.5
                elif t.role == "project":
                    self.mix[pid] = [(GDPR, 0.92), (DATA, 0.04), (UNMAPPED, 0.04)]
                else:
                    self.mix[pid] = self._std_mix(t.primary)

    def _share(self, pid: int, first: int, second: int) -> None:
        self.mix[pid] = [(first, 0.5), (second, 0.5)]
        self.weight_boost[pid] = 1.6

    def _plant_shared_people(self) -> list[int]:
        """One per healthy planted team; a second stream gets half of their work."""
        shared = []
        for t, second in (
            (self.data, REPORTING),
            (self.search, MERCHANT),
            (self.mobile, NOTIFS),
            (self.msg, MOBILE),
            (self.rpt, DATA),
            (self.ident, CHECKOUT),
        ):
            pid = t.members[0]
            self._share(pid, t.primary, second)
            shared.append(pid)
        return shared

    def _plant_shared_filler_people(self, filler_teams: list[Team]) -> list[int]:
        shared = []
        for t in filler_teams[:2]:
            pid = min(t.members, key=lambda m: (self.people[m].hire, m))  # a long-tenured engineer
            self._share(pid, t.primary, DATA if t.primary != DATA else REPORTING)
            shared.append(pid)
        return shared

    def _planted(self, shared: list[int]) -> PlantedOrg:
        return PlantedOrg(
            spread_leader=self.spread_leader,
            spread_teams=self.spread,
            oversized_team=self.pay,
            project_team=self.comp,
            hub_team=self.hub,
            team_of_one=self.one,
            team_without_items=self.ml,
            shared_people=shared,
            terminated_assignee=self.terminated_assignee,
            terminated_stl=self.former_manager,
            aliased_name=self.data.members[2],
            aliased_account=self.search.members[1],
            mixed_case_email=self.pay.members[1],
            stl={
                PAYMENTS: self.pay.manager,
                CHECKOUT: self.spread_leader,
                MERCHANT: self.spread_leader,
                SEARCH: self.search.manager,
                IDENTITY: self.ident.manager,
                PLATFORM: self.hub.manager,
                DATA: self.data.manager,
                MOBILE: self.mobile.manager,
                NOTIFS: None,
                REPORTING: self.former_manager,
                GDPR: self.comp.manager,
                DCEXIT: self.platform_director,
            },
        )

    # ------------------------------------------------------------------ filler
    def _std_mix(self, primary: int) -> WorkMix:
        minors = [s for s in range(len(STREAMS)) if s not in (primary, GDPR, DCEXIT)]
        return [(primary, 0.89), (DCEXIT, 0.035), (UNMAPPED, 0.055), (self.rng.choice(minors), 0.02)]

    def _add_engineering_filler(self, vpe: int, n: int) -> list[Team]:
        """The rest of the engineering headcount: healthy teams of 3-8 under layers of directors."""
        n_teams, leaves, levels = plan_units(n, 3, 8, 5.5, engineering_levels)
        sizes = team_sizes(self.rng, leaves, n_teams, 3, 8)
        directors = self._add_filler_directors(vpe, levels)
        return self._add_filler_teams(directors, sizes)

    def _add_filler_directors(self, vpe: int, levels: list[int]) -> list[int]:
        titles = [
            "Director of Engineering",
            "Senior Director of Engineering",
            "Vice President, Engineering",
            "Senior Vice President, Engineering",
        ]
        org_n = 0

        def add_director(parent: int, depth: int) -> int:
            nonlocal org_n
            org = ORG_NAMES[org_n % len(ORG_NAMES)] + (f" {org_n // len(ORG_NAMES) + 1}" if org_n >= 10 else "")
            org_n += 1
            lo = self.clock.founded + timedelta(days=100)
            hire = self.rand_date(lo, self.clock.as_of - timedelta(days=600 + 200 * depth))
            return self.add(titles[min(depth, 3)], "Engineering", org, parent, hire)

        return self._add_management_levels(vpe, levels, add_director)

    def _add_filler_teams(self, directors: list[int], sizes: list[int]) -> list[Team]:
        # payments keeps ~10% of all engineers (so PAY, the JSON project, holds ~10% of the issues);
        # the other filler streams grow evenly
        eng_count = {s: sum(len(t.members) for t in self.teams if t.primary == s) for s in FILLER_STREAMS}
        total = sum(len(t.members) for t in self.teams)
        teams = []
        names_used: dict[str, int] = {}
        for parent, i in _team_slots(directors, len(sizes)):
            total += sizes[i]
            if eng_count[PAYMENTS] + sizes[i] / 2 <= 0.10 * total:
                s = PAYMENTS
            else:
                s = min(FILLER_STREAMS[1:], key=lambda x: (eng_count[x], x))
            eng_count[s] += sizes[i]
            base = f"{STREAM_AREAS[s]} {self.rng.choice(TEAM_SUFFIXES)}"
            names_used[base] = names_used.get(base, 0) + 1
            name = base if names_used[base] == 1 else f"{base} {names_used[base]}"
            t = self.make_team(name, parent, sizes[i], role="filler", primary=s, home=STREAMS[s].projects[0])
            self.mix[t.manager] = [(s, 1.0)]
            for pid in t.members:
                self.mix[pid] = self._std_mix(s)
            teams.append(t)
        return teams

    def _add_non_engineering(self, heads: dict[str, int], n: int) -> None:
        # every group gets at least 4 people; the rest is shared by the groups' weights
        extra = alloc(self.rng, n - 4 * len(NON_ENG_GROUPS), [g[1] for g in NON_ENG_GROUPS])
        for (dept, _, mgr_title, team_name, leaf_titles), x in zip(NON_ENG_GROUPS, extra, strict=True):
            self._add_group(heads[dept], dept, team_name, 4 + x, mgr_title, leaf_titles)

    def _add_group(
        self, head: int, dept: str, team_name: str, n: int, mgr_title: str, leaf_titles: tuple[tuple[str, int], ...]
    ) -> None:
        founded, as_of = self.clock.founded, self.clock.as_of
        n_teams, leaves, levels = plan_units(n, 2, 8, 5.5, lambda t: upper_levels(t, 6, 6))
        sizes = team_sizes(self.rng, leaves, n_teams, 2, 8)

        def add_director(parent: int, depth: int) -> int:
            title = ("Director, " if depth == 0 else "Senior Director, ") + team_name
            hire = self.rand_date(founded + timedelta(days=300), as_of - timedelta(days=500))
            return self.add(title, dept, team_name, parent, hire)

        directors = self._add_management_levels(head, levels, add_director)
        for parent, i in _team_slots(directors, n_teams):
            hire = self.rand_date(founded + timedelta(days=300), as_of - timedelta(days=200))
            mgr = self.add(mgr_title, dept, team_name, parent, hire)
            for _ in range(sizes[i]):
                title = self.rng.choices([x[0] for x in leaf_titles], [x[1] for x in leaf_titles])[0]
                self.add(title, dept, team_name, mgr, self._leaf_hire())

    def _terminate_some(self, exclude: set[int]) -> None:
        """About 3% leavers (still in the HRIS export), plus a few part-timers and contractors."""
        rng, as_of = self.rng, self.clock.as_of
        want = max(4, round(self.n_people * 0.03)) - 2  # two planted terminations exist already
        by_manager: dict[int, list[int]] = {}
        for t in self.teams:
            if t.role == "filler" and len(t.members) >= 4:
                cands = [m for m in t.members if m not in exclude]
                if cands:
                    by_manager[t.manager] = cands
        eng_pool = [rng.choice(v) for v in by_manager.values()]
        non_eng = [p.idx for p in self.people if p.dept not in ("Engineering", "Executive") and not p.reports]
        n_eng = min(len(eng_pool), round(want * 0.7))
        chosen = rng.sample(eng_pool, n_eng) + rng.sample(non_eng, want - n_eng)
        for pid in sorted(chosen):
            p = self.people[pid]
            lo = max(p.hire + timedelta(days=90), self.clock.jira_start)
            if lo >= as_of - timedelta(days=5):
                lo = p.hire + timedelta(days=1)
            p.term = self.rand_date(lo, as_of - timedelta(days=3))
        part_time = [pid for pid in non_eng if self.people[pid].term is None]
        for pid in rng.sample(part_time, max(2, round(self.n_people * 0.004))):
            self.people[pid].emp_type = "Part-time"
        for pid in rng.sample(part_time, max(2, round(self.n_people * 0.01))):
            if self.people[pid].emp_type == "Full-time":
                self.people[pid].emp_type = "Contractor"

    # ------------------------------------------------------------------ identities
    def _assign_employee_ids(self) -> list[int]:
        """Employee ids by hire order (E1001 = the founder); returns that order."""
        order = sorted(range(len(self.people)), key=lambda i: (self.people[i].hire, i))
        for n, pid in enumerate(order):
            self.people[pid].eid = f"E{1001 + n}"
        return order

    def _assign_jira_identities(self, planted: PlantedOrg) -> str:
        """Jira accounts for everyone, with the planted name and email mismatches; returns the vendor's account."""
        rng = self.rng
        for p in self.people:
            p.account_id = _account_id(rng)
            p.jira_name = p.name
            p.email_visible = rng.random() < 0.35
            p.jira_email = p.email
        self.people[planted.aliased_name].jira_name = "Bob Smith"
        self.people[planted.aliased_account].jira_name = "Zoe Angstrom"
        mc = self.people[planted.mixed_case_email]
        mc.email_visible = True
        local = mc.email.split("@")[0]
        mc.jira_email = ".".join(cap(x) for x in local.split(".")) + "@ACME.example"
        return _account_id(rng)

    def _pick_malformed_row(self, hris_order: list[int]) -> tuple[int, int]:
        """An active, non-engineering individual contributor near the middle of the file, and their line."""
        mid = len(hris_order) // 2
        cands = [
            (abs(n - mid), n, pid)
            for n, pid in enumerate(hris_order)
            if self.people[pid].dept in ("Sales", "Finance", "People")
            and not self.people[pid].reports
            and self.people[pid].term is None
        ]
        _, pos, pid = min(cands)
        return pid, pos + 2  # line 1 is the header
