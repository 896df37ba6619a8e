"""Header names as docs/formats.md matches them: without regard to case, accents, surrounding
spaces, and `_` versus space (`Número Documento` = `numero_documento`)."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s_\-.]+")


def fold_accents(text: str) -> str:
    """`Número` → `Numero`, `Ñ` → `N`: drops the combining marks of the NFKD form."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalise_header(name: str) -> str:
    """The canonical snake_case form of a header cell."""
    folded = fold_accents(name.replace("\ufeff", "")).strip().lower()
    return _SEPARATORS.sub("_", folded).strip("_")
