"""Pin and stand codes (placeholder until the full module lands)."""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def mint_stand_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(13))
