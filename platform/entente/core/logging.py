"""Logs never hold an e-mail address: what a log line keeps cannot be erased (issue 18).

`MaskAddresses`, on every handler of settings.LOGGING, replaces each address in a formatted
line by « [adresse] » before any handler writes it: a 404 on `/…/gwen@mairie.fr/`, an SMTP
error naming its recipient, a library's message. Names cannot be recognised in free text: the
code logs ids, never names.
"""

from __future__ import annotations

import logging
import re

ADDRESS = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
MASK = "[adresse]"


class MaskAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: leave it to the formatter's report
            return True
        masked = ADDRESS.sub(MASK, message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:  # an exception's message may name one too
            record.exc_text = ADDRESS.sub(
                MASK, logging.Formatter().formatException(record.exc_info)
            )
        elif record.exc_text:
            record.exc_text = ADDRESS.sub(MASK, record.exc_text)
        return True
