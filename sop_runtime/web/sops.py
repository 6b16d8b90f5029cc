"""The SOPs' names and workflows as the pages need them (cached by the catalog)."""

from __future__ import annotations

from sop_runtime.service.library import sop_names

__all__ = ["sop_names"]
