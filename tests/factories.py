"""Test data through the use cases, with defaults, so tests say only what matters to them."""

import itertools
from datetime import date

from backend.services import events, pins, stands, tokens

_seq = itertools.count(1)


class Factory:
    def event(self, **fields):
        n = next(_seq)
        values = {
            # Never a test's own literal (bdt-2031, bdt-2027 …): the sequence runs across tests
            # in a random order, so a slug like bdt-<2000 + n> collided with one now and then.
            "slug": f"edition-{n}",
            "name": f"Business Days {n}",
            "starts_on": date(2026, 2, 18),
            "ends_on": date(2026, 2, 19),
            "timezone": "Europe/Amsterdam",
            "portal_url": "https://www.twente.com",
        }
        return events.create_event(**{**values, **fields})

    def company(self, **fields):
        n = next(_seq)
        values = {"name": f"Company {n}", "is_twente": True, "portal_url": None}
        return events.create_company(**{**values, **fields})

    def stand(self, event=None, company=None, **fields):
        event = event or self.event()
        company = company or self.company()
        values = {"label": f"TP-{next(_seq):02d}", "zone": "twente-plaza"}
        return stands.create_stand(event.slug, company.id, **{**values, **fields})

    def token(self, role: str, stand=None) -> str:
        if role == "stand" and stand is None:
            stand = self.stand()
        return tokens.create_token(role, f"test {role}", stand.id if stand else None)[1]

    def batch(self, event=None, size=3, channel="ut-desk", label=None):
        event = event or self.event()
        return pins.mint_batch(event.slug, label or f"Batch {next(_seq)}", channel, size)

    def pin_codes(self, event=None, size=3, channel="ut-desk") -> list[str]:
        batch = self.batch(event, size, channel)
        return list(pins.iter_pin_codes(batch.id))

    def plaza(self, event=None, stands=3):
        """An event with ``stands`` Twente Plaza stands and one in another zone."""
        event = event or self.event()
        made = [self.stand(event=event) for _ in range(stands)]
        self.stand(event=event, zone="main-hall")
        return event, made
