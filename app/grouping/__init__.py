"""Grouping: which issue an event belongs to, and how that issue is labelled.

    event         read access to the parts of a normalised event that matter here
    parameterize  message normalisation: data-like parts become `<int>`, `<uuid>`, ... (§A8.6)
    frames        what each stack frame contributes (module, file, function, source line; §A8.4)
    variables     `{{ type }}`-style fingerprint variables (§A8.2)
    fingerprint   the hash: SDK fingerprint, checksum or default variants, explained (§A8)
    summary       title, type, message and culprit (§A9)

Every function here is pure and takes the output of `app.ingest.normalize.normalize_event`.
"""

from __future__ import annotations

from app.grouping.fingerprint import GROUPING_VERSION, Grouping, compute_grouping
from app.grouping.parameterize import parameterize_message
from app.grouping.summary import IssueSummary, summarize

__all__ = [
    "GROUPING_VERSION",
    "Grouping",
    "IssueSummary",
    "compute_grouping",
    "parameterize_message",
    "summarize",
]
