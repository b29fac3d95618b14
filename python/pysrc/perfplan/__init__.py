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
import warnings
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Dict, Iterable, Iterator, Optional, Union

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
    "convert_many",
    "convert_result",
    "to_arrow",
    "Result",
    "ConversionWarning",
    "DEFAULT_TIMEOUT",
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


def _native_source(source: Source) -> Union[bytes, str]:
    """What the native module takes: the PDF's bytes, or a path as a string."""
    if isinstance(source, (bytearray, memoryview)):
        return bytes(source)
    return source if isinstance(source, bytes) else os.fspath(source)


DEFAULT_TIMEOUT = 60.0
"""Seconds one file may take by default, as the command line's ``--timeout-per-file``."""


def convert_json(
    source: Source,
    *,
    password: Optional[str] = None,
    provenance: bool = False,
    name: Optional[str] = None,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    max_file_size: Optional[int] = None,
) -> str:
    """The document of one PDF as JSON text, byte for byte what the command line
    writes into ``<stem>.json``. ``source`` is a path or the PDF's bytes (then
    ``name``, default ``"-"`` as for standard input, is recorded as
    ``source.file``). ``timeout``: seconds the file may take (``None`` or 0: no
    limit), then :class:`TimeoutError`; ``max_file_size``: bytes (default 512
    MiB, as the command line), beyond which it fails with :class:`LimitError`
    unread. Raises a subclass of :class:`perfplan.Error`."""
    return _perfplan.convert_json(
        _native_source(source),
        password=password,
        provenance=provenance,
        name=name,
        timeout=timeout,
        max_file_size=max_file_size,
    )


def convert(
    source: Source,
    *,
    password: Optional[str] = None,
    provenance: bool = False,
    name: Optional[str] = None,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    max_file_size: Optional[int] = None,
) -> Dict[str, Any]:
    """The document of one PDF (``../docs/output-contract`` of perfplan: source,
    objectives, diagnostics...) as a ``dict``; see :func:`convert_json`."""
    text = convert_json(
        source, password=password, provenance=provenance, name=name, timeout=timeout, max_file_size=max_file_size
    )
    return json.loads(text)


@dataclass(frozen=True)
class Result:
    """One file of :func:`convert_many` / :func:`convert_result`: ``status`` is
    ``"ok"``, ``"recovered"`` (converted, but the extractor worked around damage:
    see the document's diagnostics) or ``"failed"`` (then ``error_kind`` and
    ``error`` say why, as in the command line's run report, and there is no
    document). ``document_json`` is the JSON text the command line writes."""

    path: str
    status: str
    error_kind: Optional[str]
    error: Optional[str]
    document_json: Optional[str]

    @property
    def ok(self) -> bool:
        """Converted (``ok`` or ``recovered``)."""
        return self.status != "failed"

    @cached_property
    def document(self) -> Optional[Dict[str, Any]]:
        """The document as a ``dict`` (``None`` when failed)."""
        return json.loads(self.document_json) if self.document_json is not None else None


def convert_result(
    source: Source,
    *,
    password: Optional[str] = None,
    provenance: bool = False,
    name: Optional[str] = None,
    page_threads: Optional[int] = None,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    max_file_size: Optional[int] = None,
) -> Result:
    """:func:`convert` that never raises for the file's own failure: a
    :class:`Result`. ``page_threads`` (default: one per core) lay out the pages of
    the document; 1 where each core already converts a document of its own
    (Spark tasks, a thread pool)."""
    source = _native_source(source)
    path = (name or "-") if isinstance(source, bytes) else source
    status, kind, error, text = _perfplan.convert_result(
        source,
        password=password,
        provenance=provenance,
        name=name,
        page_threads=page_threads,
        timeout=timeout,
        max_file_size=max_file_size,
    )
    return Result(path, status, kind, error, text)


def convert_many(
    paths: Iterable[Union[str, "os.PathLike[str]"]],
    *,
    jobs: int = 0,
    password: Optional[str] = None,
    provenance: bool = False,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    max_file_size: Optional[int] = None,
) -> Iterator[Result]:
    """Convert files ``jobs`` at a time (0: one per core) on threads (the
    conversions run without the GIL), yielding one :class:`Result` per path in
    input order. A file that fails is a ``failed`` result, never an exception;
    at most ``4 * jobs`` files are converted ahead of the one being yielded.
    ``timeout`` and ``max_file_size`` apply to each file (see :func:`convert_json`):
    a file over them is a ``failed`` result (``timeout``, ``limit_exceeded``)."""
    cores = os.cpu_count() or 1
    jobs = jobs if jobs > 0 else cores
    # the cores the jobs leave idle lay out the pages of each document
    page_threads = max(1, cores // jobs)

    def one(path: str) -> Result:
        return convert_result(
            path,
            password=password,
            provenance=provenance,
            page_threads=page_threads,
            timeout=timeout,
            max_file_size=max_file_size,
        )

    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="perfplan") as pool:
        ahead: "deque" = deque()
        for p in paths:
            ahead.append(pool.submit(one, os.fspath(p)))
            if len(ahead) >= 4 * jobs:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()


class _Stream:
    """An Arrow C stream capsule, for ``pyarrow.table`` (the PyCapsule interface)."""

    def __init__(self, capsule: Any) -> None:
        self._capsule = capsule

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._capsule


# the exception class of a failed file's error kind (as the native module raises)
_ERRORS = {
    "not_pdf": NotPdfError,
    "password_required": PasswordError,
    "wrong_password": PasswordError,
    "decrypt": PasswordError,
    "damaged": DamagedError,
    "page": DamagedError,
    "timeout": TimeoutError,
    "limit_exceeded": LimitError,
    "io": ReadError,
    "panic": InternalError,
}


class ConversionWarning(UserWarning):
    """A file given to :func:`to_arrow` failed and was left out of the tables."""


def to_arrow(
    documents_or_paths: Iterable[Union[Dict[str, Any], Result, str, "os.PathLike[str]"]],
    *,
    password: Optional[str] = None,
    on_error: str = "warn",
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    max_file_size: Optional[int] = None,
    jobs: int = 0,
) -> Dict[str, Any]:
    """The warehouse tables (``objectives``, ``dup_links``, ``indicators``,
    ``phases``, ``indicator_targets``: the names, columns, types and rows of
    ``perfplan convert ... --tables DIR --tables-format parquet``) as
    ``pyarrow.Table`` objects, handed over through the Arrow C data interface.

    Each item is a document (``dict`` from :func:`convert`, read into the model
    without JSON), a :class:`Result` from :func:`convert_many`, or a PDF path
    (converted here, ``jobs`` at a time on threads without the GIL; 0: one per
    core). A file that failed is, by ``on_error``: ``"warn"`` (the
    default) left out with a :class:`ConversionWarning` naming it and why,
    ``"ignore"`` left out silently (as a failed file of a batch), ``"raise"`` its
    :class:`perfplan.Error` subclass (the first failed file in input order). A
    document repeating an earlier one (same
    file name and bytes) is counted once. ``timeout`` and ``max_file_size`` apply
    to each path converted (see :func:`convert_json`). Needs ``pyarrow``."""
    import pyarrow as pa

    if on_error not in ("warn", "ignore", "raise"):
        raise ValueError(f"on_error must be 'warn', 'ignore' or 'raise', not {on_error!r}")
    items: list = []
    failures = []
    for d in documents_or_paths:
        if isinstance(d, Result):
            if d.ok:
                items.append(("json", d.document_json))
            elif on_error == "raise":
                raise _ERRORS.get(d.error_kind or "", Error)(f"{d.path}: {d.error}")
            else:
                failures.append((d.path, d.error_kind, d.error))
        elif isinstance(d, dict):
            items.append(d)
        else:
            items.append(os.fspath(d))
    streams, failed = _perfplan.tables_streams(
        items,
        password=password,
        stop_on_error=on_error == "raise",
        timeout=timeout,
        max_file_size=max_file_size,
        jobs=jobs,
    )
    failures += [(path, kind, error) for _, path, kind, error in failed]
    if on_error == "warn":
        for path, kind, error in failures:
            warnings.warn(f"{path}: {error} ({kind}); left out of the tables", ConversionWarning, stacklevel=2)
    return {name: pa.table(_Stream(capsule)) for name, capsule in streams}
