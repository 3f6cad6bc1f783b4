"""The field-level rule for personal data, in one place for lists, exports and documents.

Each record type declares its sensitive fields with a category. ``Viewer`` says what the
person looking may see; ``redact()`` turns a row dict into what they are shown:

- ``id_number`` / ``phone``: masked unless the viewer holds ``pii:read`` AND asked for the
  full value (which the caller records in the audit log as a ``pii_read``);
- ``identity`` (name, address, anything that identifies the petitioner) and ``materials``
  (their letters and attachments): on a 检举控告 (accusation) matter, replaced by a notice
  for a viewer who acts for the accused person or unit — 条例 Art. 30 forbids passing
  accusation materials or the accuser's details to them, whatever roles they hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from xinfang.platform.privacy.identity import mask_id_number, mask_phone


class Category(StrEnum):
    ID_NUMBER = "id_number"
    PHONE = "phone"
    IDENTITY = "identity"
    MATERIALS = "materials"


PROTECTED_NOTICE = "(检举控告事项,信访人信息依法保密)"
_MASKERS = {Category.ID_NUMBER: mask_id_number, Category.PHONE: mask_phone}


@dataclass(frozen=True)
class Viewer:
    """What one person may see of one record.

    ``accused`` is True when the viewer acts for a person or unit that the record accuses
    (the matters code decides that from the matter's accused units and the viewer's nodes).
    """

    may_read_pii: bool = False
    unmask: bool = False
    accused: bool = False

    @property
    def sees_full_pii(self) -> bool:
        return self.may_read_pii and self.unmask and not self.accused


@dataclass(frozen=True)
class FieldRules:
    """The sensitive fields of one record type: field name → category."""

    fields: Mapping[str, Category] = field(default_factory=dict)

    def redact(self, row: dict[str, Any], viewer: Viewer, accusation: bool = False) -> dict[str, Any]:
        shown = dict(row)
        for name, category in self.fields.items():
            if name not in shown or shown[name] in (None, ""):
                continue
            if accusation and viewer.accused:
                shown[name] = [] if isinstance(shown[name], list) else PROTECTED_NOTICE
            elif category in _MASKERS and not viewer.sees_full_pii:
                shown[name] = _MASKERS[category](shown[name])
        return shown

    def revealed(self, row: dict[str, Any]) -> dict[str, Any]:
        """The fields a full-value read discloses (what the audit record names, not their values)."""
        return {name: category.value for name, category in self.fields.items() if row.get(name)}
