"""Retention does what /privacy says, changes nothing the second time, and leaves the funnel alone."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from backend.models import Batch, LandingVisit, OrphanScan, Pin, PortalClick, Scan, VisitorSalt
from backend.services import reports, simulation
from backend.services.retention import ORPHAN_PATH_DAYS, apply_retention

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
DAYS = 7


def _two_fairs(make):
    """A fair long over (February) and one that ended four days before NOW."""
    old, _ = make.plaza(make.event(starts_on=date(2026, 2, 18), ends_on=date(2026, 2, 19)))
    recent, _ = make.plaza(make.event(starts_on=date(2026, 5, 27), ends_on=date(2026, 5, 28)))
    simulation.simulate(old.slug, 60, seed=1)
    simulation.simulate(recent.slug, 60, seed=2)
    return old, recent


def _salts(db, *days):
    for day in days:
        db.session.add(VisitorSalt(day=day, salt=day.replace("-", "") * 4))
    db.session.commit()


def _hashes(db, model, event):
    """(rows, rows with a visitor hash) of ``model`` for pins of ``event``."""
    pins_of = select(Pin.id).join(Batch).where(Batch.event_id == event.id)
    rows = select(func.count()).select_from(model).where(model.pin_id.in_(pins_of))
    hashed = rows.where(model.visitor_hash.is_not(None))
    return db.session.scalar(rows), db.session.scalar(hashed)


def test_retention_blanks_hashes_of_fairs_over_and_cuts_old_orphan_paths(make, db):
    old, recent = _two_fairs(make)
    _salts(db, "2026-05-30", "2026-05-31", "2026-06-01")
    figures_before = [reports.event_figures(e.slug, exact=True) for e in (old, recent)]
    orphans_before = db.session.scalar(select(func.count()).select_from(OrphanScan))

    dry = apply_retention(NOW, DAYS, apply=False)
    assert not dry.applied
    assert dry.salts == 2
    assert dry.hashes["scans"] == _hashes(db, Scan, old)[1] > 0
    assert dry.orphan_paths > 0
    assert db.session.scalar(select(func.count()).select_from(VisitorSalt)) == 3  # nothing changed

    done = apply_retention(NOW, DAYS, apply=True)
    assert (done.salts, done.hashes, done.orphan_paths) == (dry.salts, dry.hashes, dry.orphan_paths)
    db.session.expire_all()
    # Salts: only today's is left.
    assert db.session.scalars(select(VisitorSalt.day)).all() == ["2026-06-01"]
    # Hashes: gone for the fair that is over, kept for the one inside its window.
    for model in (Scan, LandingVisit, PortalClick):
        rows, hashed = _hashes(db, model, old)
        assert rows > 0 and hashed == 0
        rows, hashed = _hashes(db, model, recent)
        assert rows > 0 and hashed == rows
    # Orphans: every row stays; paths older than 90 days are cut, younger ones kept.
    orphans = db.session.execute(select(OrphanScan.scanned_at, OrphanScan.path)).all()
    assert len(orphans) == orphans_before
    for scanned_at, path in orphans:
        too_old = (NOW - scanned_at).days >= ORPHAN_PATH_DAYS
        assert (path == "") == too_old, (scanned_at, path)

    again = apply_retention(NOW, DAYS, apply=True)
    assert again.total == 0  # idempotent
    figures_after = [reports.event_figures(e.slug, exact=True) for e in (old, recent)]
    assert figures_after == figures_before


def test_retention_command_dry_run_changes_nothing_and_apply_does_it(make, db, runner):
    old, _ = make.plaza(make.event(starts_on=date(2026, 2, 18), ends_on=date(2026, 2, 19)))
    simulation.simulate(old.slug, 40, seed=3)
    hashed = _hashes(db, Scan, old)[1]
    assert hashed > 0
    dry = runner.invoke(args=["speld", "retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"visitor hashes blanked in scans: {hashed}" in dry.output
    assert "dry run, nothing changed yet" in dry.output
    assert _hashes(db, Scan, old)[1] == hashed
    applied = runner.invoke(args=["speld", "retention", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert applied.output.startswith("Changed:")
    assert f"visitor hashes blanked in scans: {hashed}" in applied.output
    db.session.expire_all()
    assert _hashes(db, Scan, old)[1] == 0
    again = runner.invoke(args=["speld", "retention", "--apply"])
    assert "visitor hashes blanked in scans: 0" in again.output
