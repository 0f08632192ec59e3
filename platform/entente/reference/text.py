"""Name normalisation shared by the import (stored `search_name`) and the searches."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_name(value: str) -> str:
    """`L'Île-d'Yeu` → `l ile d yeu`: lower case, no accents, one space between words.

    Hyphens and apostrophes become spaces so that "saint mars" finds "Saint-Mars-de-Coutais";
    both the stored column and the query go through this same function.
    """
    decomposed = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALNUM.sub(" ", ascii_only.lower()).strip()
