"""Codes that services give their `ValidationError`s when the interface should say more than
« invalid ».

`DUPLICATE`: the name or the person is already there (a label, a folder, a file, a member). The
form shows it beside the field like any other error; the API answers 409 Conflict rather than
400, because the request was well formed and only the present state refuses it.
"""

from __future__ import annotations

DUPLICATE = "duplicate"
