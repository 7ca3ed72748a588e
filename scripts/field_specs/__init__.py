"""Transcriptions of published 自评表 for samples/field/ (see scripts/build_field_samples.py)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """A printed value to keep as text even though it looks like a number."""

    value: str
