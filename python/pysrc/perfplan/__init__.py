"""perfplan: Italian municipal performance-plan PDFs (PEG / Piano della Performance
objective sheets) to the normalized documents of perfplan's output contract.

    >>> import perfplan
    >>> doc = perfplan.convert("fixtures/some-plan.pdf")
    >>> doc["objectives"][0]["code"]

The conversion runs in this process (the Rust library, no subprocess) and gives
the same document as ``perfplan convert FILE --out DIR`` writes for the file.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Optional, Union

from . import _perfplan
from ._perfplan import (
    DamagedError,
    Error,
    InternalError,
    LimitError,
    NotPdfError,
    PasswordError,
    ReadError,
    TimeoutError,
)

__all__ = [
    "convert",
    "convert_json",
    "Error",
    "NotPdfError",
    "PasswordError",
    "DamagedError",
    "LimitError",
    "TimeoutError",
    "ReadError",
    "InternalError",
]

Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]


def convert_json(
    source: Source,
    *,
    password: Optional[str] = None,
    provenance: bool = False,
    name: Optional[str] = None,
) -> str:
    """The document of one PDF as JSON text, byte for byte what the command line
    writes into ``<stem>.json``. ``source`` is a path or the PDF's bytes (then
    ``name``, default ``"-"`` as for standard input, is recorded as
    ``source.file``). Raises a subclass of :class:`perfplan.Error`."""
    if isinstance(source, (bytearray, memoryview)):
        source = bytes(source)
    if not isinstance(source, bytes):
        source = os.fspath(source)
    return _perfplan.convert_json(source, password=password, provenance=provenance, name=name)


def convert(
    source: Source,
    *,
    password: Optional[str] = None,
    provenance: bool = False,
    name: Optional[str] = None,
) -> Dict[str, Any]:
    """The document of one PDF (``../docs/output-contract`` of perfplan: source,
    objectives, diagnostics...) as a ``dict``; see :func:`convert_json`."""
    return json.loads(convert_json(source, password=password, provenance=provenance, name=name))
