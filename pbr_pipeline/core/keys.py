"""Pseudonymous person keys: HMAC-SHA256 of the normalised document with a secret.

Analysts' tables carry the key, never the document. The secret comes from the environment
(`PBR_PERSON_KEY_SECRET`); without it a documented development secret is used and a warning
is given, because keys made with a public secret can be reversed by anyone who can list
document numbers. Same secret, same keys: reruns stay byte-identical.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import warnings

import polars as pl

SECRET_ENV = "PBR_PERSON_KEY_SECRET"
DEVELOPMENT_SECRET = "pbr-development-secret-not-for-production"
KEY_HEX_LENGTH = 32
"""128 bits of the HMAC: collisions are out of reach for any city's population."""


class DevelopmentSecretWarning(UserWarning):
    """Person keys are being made with the public development secret."""


_warned = False


def person_key_secret() -> bytes:
    global _warned
    secret = os.environ.get(SECRET_ENV)
    if not secret:
        # Once per process: Dagster resets warning registries per step.
        if not _warned:
            _warned = True
            warnings.warn(
                f"{SECRET_ENV} is not set: person keys use the public development secret; "
                "set it to a long random value before producing tables for anyone outside the data team",
                DevelopmentSecretWarning,
                stacklevel=2,
            )
        secret = DEVELOPMENT_SECRET
    return secret.encode("utf-8")


def person_key(document: str, secret: bytes) -> str:
    return hmac.new(secret, document.encode("utf-8"), hashlib.sha256).hexdigest()[:KEY_HEX_LENGTH]


_MADE: dict[bytes, pl.DataFrame] = {}
"""Keys made in this process, per secret (document, person_key). A month's stages key the same
people one after another (claims, unclaimed outcomes, the person index, the ledger): a key is a
Python HMAC, and a bench month 12 made each of 100,000 keys four times."""


def with_person_keys(frame: pl.DataFrame, secret: bytes, document: str = "document") -> pl.DataFrame:
    """Add `person_key` for the canonical `document` column, hashing each distinct document once
    per process."""
    made = _MADE.get(secret, pl.DataFrame(schema={"document": pl.String, "person_key": pl.String}))
    documents = frame.get_column(document).unique().drop_nulls()
    new = documents.filter(~documents.is_in(made.get_column("document").implode())).sort()
    if new.len():
        made = pl.concat([made, pl.DataFrame({"document": new, "person_key": [person_key(value, secret) for value in new]},
                                             schema=made.schema)])
        _MADE[secret] = made
    keys = made.join(documents.to_frame("document"), on="document", how="semi").rename({"document": document})
    return frame.join(keys, on=document, how="left")


def uses_development_secret() -> bool:
    """Whether keys are being made with the public development secret (said in the manifest)."""
    return not os.environ.get(SECRET_ENV)
