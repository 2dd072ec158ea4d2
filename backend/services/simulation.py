"""Believable fair traffic for the demo, written through the same use cases as real requests.

So `make run` opens on a dashboard with something in it, and the figures obey
every rule the real ones do (repeats, bots, voids, one visit per pin and stand).
Random but seeded: the same seed gives the same fair. Each run mints its own
batches, labelled with its seed, so a seed runs once per event; without one, a
run takes the next seed the event has not had, and adds a new crowd.
"""

import hashlib
import itertools
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from backend.errors import Conflict
from backend.extensions import db
from backend.models import Batch
from backend.models.types import NAMED_BEFORE, TWENTE_PLAZA
from backend.services import journey, pins, scans, stamps, survey
from backend.services.events import get_event
from backend.services.scans import Visitor

CHANNELS = (("ut-desk", 0.6), ("saxion", 0.25), ("roc", 0.15))
PHONES = (("mobile", "iOS"), ("mobile", "Android"), ("tablet", "iOS"), ("desktop", "Windows"))
PHONE_WEIGHTS = (55, 38, 3, 4)
Q1_WEIGHTS = (30, 35, 22, 13)
FIRST_SEED = 2026
LABEL = "Simulation {seed} {channel}"
# After a day at the Plaza, students name more companies than before (an assumption
# of the demo, not a finding).
NOW_WEIGHTS = (12, 33, 33, 22)


def _visitor(rng: random.Random, student: int, kind: str = "human") -> Visitor:
    device, os_family = rng.choices(PHONES, PHONE_WEIGHTS)[0] if kind == "human" else ("bot", None)
    # A stand-in for the salted hash: the simulation has no IP addresses to hash.
    digest = hashlib.sha256(f"sim-{student}-{kind}".encode()).hexdigest()
    return Visitor(kind, device, os_family, digest)


def _fair_moment(rng: random.Random, days: list, zone: ZoneInfo) -> datetime:
    day = rng.choice(days)
    minutes = rng.triangular(0, 7 * 60, 3 * 60)  # doors 10:00 to 17:00, busiest around 13:00
    return datetime.combine(day, time(10), zone) + timedelta(minutes=minutes)


def _mint(event, students: int, seed: int, rng: random.Random) -> list[str]:
    codes = []
    for channel, share in CHANNELS:
        size = max(1, round(students * share))
        label = LABEL.format(seed=seed, channel=channel)
        batch = pins.mint_batch(event.slug, label, channel, size)
        codes += list(pins.iter_pin_codes(batch.id))
    rng.shuffle(codes)
    return codes[:students]


@dataclass(frozen=True)
class SimulationRun:
    """The seed a simulation ran with, and how many of each thing it wrote."""

    seed: int
    written: dict[str, int]


def _used_seeds(event) -> set[int]:
    prefix = LABEL.split("{seed}")[0]
    labels = db.session.scalars(
        select(Batch.label).where(Batch.event_id == event.id, Batch.label.startswith(prefix))
    )
    seeds = (label.removeprefix(prefix).split(" ")[0] for label in labels)
    return {int(seed) for seed in seeds if seed.isdigit()}


def _seed_for(event, seed: int | None) -> int:
    used = _used_seeds(event)
    if seed is None:
        return next(s for s in itertools.count(FIRST_SEED) if s not in used)
    if seed in used:
        raise Conflict(
            reason="seed_taken",
            fields={
                "seed": [
                    f"{seed} is taken for {event.slug}; give another or none for the next free one."
                ]
            },
        )
    return seed


def simulate(
    event_slug: str,
    students: int,
    seed: int | None = None,
    tick=None,
    named_none: float | None = None,
) -> SimulationRun:
    """Mint pins for ``students`` and play their day at the fair; returns what was written.

    Without ``seed`` the run takes the first seed from 2026 up this event has not had.
    ``named_none``: the edition's true share of students who could name no Twente
    company before the fair (Q1 answer ``0``); by default that of ``Q1_WEIGHTS``.
    """
    event = get_event(event_slug)
    seed = _seed_for(event, seed)
    rng = random.Random(seed)
    zone = ZoneInfo(event.timezone)
    days = [
        event.starts_on + timedelta(days=n)
        for n in range((event.ends_on - event.starts_on).days + 1)
    ]
    plaza = [s for s in event.stands if s.zone == TWENTE_PLAZA]
    others = [s for s in event.stands if s.zone != TWENTE_PLAZA]
    codes = _mint(event, students, seed, rng)
    weights = q1_weights(named_none)
    done = dict.fromkeys(
        ("scans", "landings", "clicks", "stand visits", "answers", "follow-ups", "void"), 0
    )
    for student, code in enumerate(codes):
        if rng.random() < 0.01:
            pins.void_pin(code, "lost (simulated)")
            done["void"] += 1
        if rng.random() < 0.88:
            moment = _fair_moment(rng, days, zone)
            _play(rng, student, code, moment, plaza, others, done, weights)
        if tick:
            tick(1)
    for n in range(students // 50):  # mistyped or damaged codes
        when = _fair_moment(rng, days, zone)
        scans.recorder().record(f"BAD{n:05d}X", f"/p/BAD{n:05d}X", _visitor(rng, -n), when)
    return SimulationRun(seed, done)


def _play(rng, student, code, start, plaza, others, done, weights=Q1_WEIGHTS) -> None:
    human = _visitor(rng, student)
    if rng.random() < 0.1:  # the link went through a chat app first
        scans.recorder().record(code, f"/p/{code}", _visitor(rng, student, "bot"), start)
    result = scans.recorder().record(code, f"/p/{code}", human, start)
    done["scans"] += 1
    if result.status != "active":
        return
    if rng.random() < 0.15:
        later = start + timedelta(minutes=rng.uniform(1, 20))
        scans.recorder().record(code, f"/p/{code}", human, later)
    if rng.random() > 0.92:
        return
    journey.visit_landing(code, human, start + timedelta(seconds=4))
    done["landings"] += 1
    answers = rng.random() < 0.42
    # Most respondents answer on the first landing, where Q1 comes before any company
    # name (unexposed); the others come back to it after their stand visits (exposed).
    answers_first = answers and rng.random() < 0.75
    if answers_first:
        _answer(rng, code, plaza, start + timedelta(seconds=40), weights)
        done["answers"] += 1
    moment = start + timedelta(minutes=1)
    visited = rng.sample(plaza, k=min(len(plaza), int(rng.triangular(0, 9, 2))))
    visited += rng.sample(others, k=min(len(others), rng.randint(0, 2)))
    for stand in visited:
        moment += timedelta(minutes=rng.uniform(3, 25))
        if rng.random() < 0.7:
            stamps.self_stamp(stand.code, code, False, moment)
        else:
            stamps.staff_stamp(stand.id, code, moment, scanned_at=moment)
        done["stand visits"] += 1
    if rng.random() < 0.45:
        company = rng.choice(plaza).company_id if plaza and rng.random() < 0.5 else None
        journey.click_through(code, company, human, moment + timedelta(minutes=2))
        done["clicks"] += 1
    if answers and not answers_first:
        _answer(rng, code, plaza, moment + timedelta(minutes=3), weights)
        done["answers"] += 1
    plaza_ids = {stand.id for stand in plaza}
    if any(stand.id in plaza_ids for stand in visited) and rng.random() < 0.3:
        # Back on the landing page hours later: the follow-up question ("now").
        later = moment + journey.follow_up_delay() + timedelta(minutes=rng.uniform(5, 120))
        survey.answer_follow_up(code, rng.choices(NAMED_BEFORE, NOW_WEIGHTS)[0], False, later)
        done["follow-ups"] += 1


def q1_weights(named_none: float | None) -> tuple[float, ...]:
    """Q1's answer weights with ``named_none`` for ``0``, the others in ``Q1_WEIGHTS``' ratio."""
    if named_none is None:
        return Q1_WEIGHTS
    if not 0 <= named_none <= 1:
        raise ValueError("named_none is a share from 0 to 1")
    rest = sum(Q1_WEIGHTS[1:])
    return (named_none, *(w / rest * (1 - named_none) for w in Q1_WEIGHTS[1:]))


def _answer(rng, code, plaza, when, weights=Q1_WEIGHTS) -> None:
    answer = rng.choices(NAMED_BEFORE, weights)[0]
    known = [s.company_id for s in plaza if rng.random() < 0.18]
    survey.answer_survey(code, answer, known, False, when)
