"""The CP-SAT model of the reference (docs/auditions.md, "Placement automatique").

One optional interval per hearing (left out at a large cost rather than failing the plan),
one optional interval per compatible room and per candidate member, NoOverlap per room
(with the changeover buffer), per member and per person. Preferences and, in a repair, the
cost of each move form one weighted objective; the previous placement is given as a hint.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from services.auditions.solver.greedy import greedy_hints
from services.auditions.solver.instance import Instance, Previous, Task

# Weights: leaving a hearing out costs more than any move, a move more than any preference.
UNPLACED = 1000
PRIORITY = 250
MOVE = 100
IF_NEED_BE = 10
MEMBER_DAY = 3
THEME_DAY = 1
PEAK_DAY = 1

NO_ROOM_LEFT = (
    "Pas de place trouvée dans le temps imparti : ses créneaux possibles sont pris par "
    "d'autres auditions (salles, membres ou personnes)."
)


@dataclass(frozen=True)
class Proposal:
    hearing_id: int
    start: int
    room_id: int
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class Plan:
    """A solution: where each hearing goes, which are left out and why, which moved."""

    proposals: tuple[Proposal, ...]
    unplaced: tuple[tuple[int, str], ...]
    moved: tuple[int, ...]
    objective: float
    bound: float
    seconds: float


@dataclass
class Outcome:
    status: str
    plan: Plan | None
    first_solution_seconds: float | None
    wall_seconds: float


@dataclass
class _Vars:
    task: Task
    present: cp_model.IntVar
    start: cp_model.IntVar
    rooms: dict[int, cp_model.IntVar]
    members: dict[int, cp_model.IntVar]
    days: dict[int, cp_model.IntVar] = field(default_factory=dict)


class _Builder:
    def __init__(self, instance: Instance, *, repair: bool) -> None:
        self.instance = instance
        self.repair = repair
        self.model = cp_model.CpModel()
        self.rooms: dict[int, list[cp_model.IntervalVar]] = defaultdict(list)
        self.members: dict[int, list[cp_model.IntervalVar]] = defaultdict(list)
        self.people: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        self.objective: list[cp_model.LinearExprT] = []
        self.member_days: dict[tuple[int, int], cp_model.IntVar] = {}
        self.theme_days: dict[tuple[int, int], cp_model.IntVar] = {}
        self.loads: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        self.vars: list[_Vars] = []
        self.hints = greedy_hints(instance)

    def build(self) -> cp_model.CpModel:
        buffer = self.instance.grid.rules.buffer_minutes
        m = self.model
        for f in self.instance.fixed:
            iv = m.new_fixed_size_interval_var(f.start, f.duration, f"locked{f.hearing_id}")
            if f.room_id is not None:
                self.rooms[f.room_id].append(
                    m.new_fixed_size_interval_var(f.start, f.duration + buffer, "")
                )
            for member in f.member_ids:
                self.members[member].append(iv)
            for person in f.people:
                self.people[person].append(iv)
        for task in self.instance.tasks:
            if task.reason is None:
                self.vars.append(self._task(task, buffer))
        for intervals in (*self.rooms.values(), *self.members.values(), *self.people.values()):
            if len(intervals) > 1:
                m.add_no_overlap(intervals)
        self._day_terms()
        m.minimize(sum(self.objective))
        return m

    def _task(self, task: Task, buffer: int) -> _Vars:
        m, h = self.model, task.hearing_id
        present = m.new_bool_var(f"p{h}")
        start = m.new_int_var_from_domain(cp_model.Domain.from_values(task.starts), f"s{h}")
        interval = m.new_optional_fixed_size_interval_var(start, task.duration, present, f"i{h}")
        for person in task.people:
            self.people[person].append(interval)
        v = _Vars(task, present, start, {}, {})
        for room_id, starts in task.rooms.items():
            x = v.rooms[room_id] = m.new_bool_var(f"x{h}_{room_id}")
            self.rooms[room_id].append(
                m.new_optional_fixed_size_interval_var(start, task.duration + buffer, x, "")
            )
            if len(starts) < len(task.starts):
                m.add_linear_expression_in_domain(
                    start, cp_model.Domain.from_values(starts)
                ).only_enforce_if(x)
        m.add(sum(v.rooms.values()) == present)
        self._members(v)
        self._capacity(v)
        self._days(v)
        self._preferences(v)
        self._stability(v)
        self.objective.append((UNPLACED + PRIORITY * task.priority) * (1 - present))
        return v

    def _members(self, v: _Vars) -> None:
        m, task = self.model, v.task
        for member in task.pinned:
            self.members[member].append(
                m.new_optional_fixed_size_interval_var(v.start, task.duration, v.present, "")
            )
        for member in task.candidates:
            a = v.members[member] = m.new_bool_var(f"a{task.hearing_id}_{member}")
            m.add_implication(a, v.present)
            self.members[member].append(
                m.new_optional_fixed_size_interval_var(v.start, task.duration, a, "")
            )
            blocked = task.blocked.get(member)
            if blocked:
                allowed = [t for t in task.starts if t not in blocked]
                if not allowed:
                    m.add(a == 0)
                else:
                    m.add_linear_expression_in_domain(
                        v.start, cp_model.Domain.from_values(allowed)
                    ).only_enforce_if(a)
        for members, count in task.requirements:
            needed = count - len(task.pinned & set(members))
            chosen = [v.members[x] for x in members if x in v.members]
            if needed > 0:
                m.add(sum(chosen) >= needed).only_enforce_if(v.present)
        # Nobody sits beyond what the requirements ask: seats and agendas stay free.
        m.add(sum(v.members.values()) <= sum(count for _, count in task.requirements))

    def _capacity(self, v: _Vars) -> None:
        rooms = self.instance.schedule.rooms
        fixed = v.task.delegation_size + len(v.task.pinned)
        for room_id, x in v.rooms.items():
            room = rooms[room_id]
            if room.kind == "physical" and room.capacity is not None:
                self.model.add(fixed + sum(v.members.values()) <= room.capacity).only_enforce_if(x)

    def _days(self, v: _Vars) -> None:
        m, stride = self.model, self.instance.grid.stride
        for day in sorted({t // stride for t in v.task.starts}):
            z = v.days[day] = m.new_bool_var(f"z{v.task.hearing_id}_{day}")
            m.add_linear_constraint(v.start, day * stride, (day + 1) * stride - 1).only_enforce_if(
                z
            )
            self.loads[day].append(z)
        m.add(sum(v.days.values()) == v.present)

    def _preferences(self, v: _Vars) -> None:
        m, task = self.model, v.task
        if len(task.yes) < len(task.starts):
            liked = m.new_bool_var(f"yes{task.hearing_id}")
            m.add_implication(liked, v.present)
            if task.yes:
                m.add_linear_expression_in_domain(
                    v.start, cp_model.Domain.from_values(sorted(task.yes))
                ).only_enforce_if(liked)
            else:
                m.add(liked == 0)
            self.objective.append(IF_NEED_BE * (v.present - liked))
        for day, z in v.days.items():
            for member in task.pinned:
                m.add_implication(z, self._member_day(member, day))
            for member, a in v.members.items():
                m.add_bool_or([z.Not(), a.Not(), self._member_day(member, day)])
            if task.theme_id is not None:
                key = (task.theme_id, day)
                if key not in self.theme_days:
                    self.theme_days[key] = m.new_bool_var(f"g{task.theme_id}_{day}")
                m.add_implication(z, self.theme_days[key])

    def _member_day(self, member: int, day: int) -> cp_model.IntVar:
        key = (member, day)
        if key not in self.member_days:
            self.member_days[key] = self.model.new_bool_var(f"y{member}_{day}")
        return self.member_days[key]

    def _stability(self, v: _Vars) -> None:
        before = self.hints.get(v.task.hearing_id, v.task.previous)
        if v.task.previous is not None and self.repair:
            self._stay(v, v.task.previous)
        if before is None or before.start not in v.task.starts:
            return
        m = self.model
        m.add_hint(v.start, before.start)
        m.add_hint(v.present, 1)
        for room_id, x in v.rooms.items():
            m.add_hint(x, room_id == before.room_id)
        for member, a in v.members.items():
            m.add_hint(a, member in before.member_ids)
        for day, z in v.days.items():
            m.add_hint(z, day == before.start // self.instance.grid.stride)

    def _stay(self, v: _Vars, before: Previous) -> None:
        """A repair: keeping the released place is free, any move costs MOVE."""
        m = self.model
        if before.start not in v.task.starts or before.room_id not in v.rooms:
            return  # it cannot stay: counted as moved in _day_terms
        stay = m.new_bool_var(f"stay{v.task.hearing_id}")
        m.add(v.start == before.start).only_enforce_if(stay)
        m.add(v.rooms[before.room_id] == 1).only_enforce_if(stay)
        for member, a in v.members.items():
            m.add(a == int(member in before.member_ids)).only_enforce_if(stay)
        m.add_hint(stay, 1)
        self.objective.append(MOVE * (1 - stay))

    def _day_terms(self) -> None:
        m = self.model
        self.objective.append(MEMBER_DAY * sum(self.member_days.values()))
        self.objective.append(THEME_DAY * sum(self.theme_days.values()))
        if self.loads:
            peak = m.new_int_var(0, len(self.vars), "peak")
            for zs in self.loads.values():
                m.add(peak >= sum(zs))
            self.objective.append(PEAK_DAY * peak)
        if self.repair:
            # Moves of hearings that cannot keep their slot at all are counted too.
            stuck = [
                v
                for v in self.vars
                if v.task.previous is not None
                and (
                    v.task.previous.start not in v.task.starts
                    or v.task.previous.room_id not in v.rooms
                )
            ]
            self.objective.append(MOVE * len(stuck))


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, builder: _Builder, on_plan: Callable[[Plan], None] | None) -> None:
        super().__init__()
        self.builder = builder
        self.on_plan = on_plan
        self.plan: Plan | None = None
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = self.wall_time
        self.plan = read_plan(self.builder, self)
        if self.on_plan is not None:
            self.on_plan(self.plan)


def read_plan(builder: _Builder, values: cp_model.CpSolverSolutionCallback) -> Plan:
    proposals, unplaced, moved = [], [], []
    for v in builder.vars:
        task = v.task
        if not values.boolean_value(v.present):
            unplaced.append((task.hearing_id, NO_ROOM_LEFT))
            if task.previous is not None:
                moved.append(task.hearing_id)
            continue
        room = next(r for r, x in v.rooms.items() if values.boolean_value(x))
        members = tuple(
            sorted(task.pinned | {x for x, a in v.members.items() if values.boolean_value(a)})
        )
        proposal = Proposal(task.hearing_id, values.value(v.start), room, members)
        proposals.append(proposal)
        before = task.previous
        if before is not None and (
            before.start != proposal.start
            or before.room_id != room
            or before.member_ids != frozenset(members)
        ):
            moved.append(task.hearing_id)
    for task in builder.instance.tasks:
        if task.reason is not None:
            unplaced.append((task.hearing_id, task.reason))
            if task.previous is not None:
                moved.append(task.hearing_id)
    unplaced.extend(builder.instance.set_aside.items())
    return Plan(
        proposals=tuple(proposals),
        unplaced=tuple(sorted(unplaced)),
        moved=tuple(sorted(moved)),
        objective=values.objective_value,
        bound=values.best_objective_bound,
        seconds=values.wall_time,
    )


def _stopper(solver: cp_model.CpSolver, stop: threading.Event, done: threading.Event) -> None:
    while not done.wait(0.2):
        if stop.is_set():
            solver.stop_search()
            return


def solve(
    instance: Instance,
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    repair: bool = False,
    on_plan: Callable[[Plan], None] | None = None,
    stop: threading.Event | None = None,
) -> Outcome:
    """Best plan found within `time_limit` seconds (None when no solution was found).

    Setting `stop` ends the search early (the replica shuts down or lost its lease).
    """
    builder = _Builder(instance, repair=repair)
    model = builder.build()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    watcher = _Watcher(builder, on_plan)
    done = threading.Event()
    if stop is not None:
        threading.Thread(target=_stopper, args=(solver, stop, done), daemon=True).start()
    try:
        status = solver.solve(model, watcher)
    finally:
        done.set()
    plan = watcher.plan
    if plan is not None:
        # The bound keeps rising after the last solution: report the final one.
        plan = replace(plan, bound=solver.best_objective_bound, seconds=solver.wall_time)
    return Outcome(
        status=solver.status_name(status),
        plan=plan,
        first_solution_seconds=watcher.first,
        wall_seconds=solver.wall_time,
    )
