import os
from typing import Any, Dict, Iterable, Iterator, Literal, Optional, Union

Source = Union[str, os.PathLike[str], bytes, bytearray, memoryview]

DEFAULT_TIMEOUT: float

class Error(Exception): ...
class NotPdfError(Error): ...
class PasswordError(Error): ...
class DamagedError(Error): ...
class LimitError(Error): ...
class TimeoutError(Error): ...
class ReadError(Error): ...
class InternalError(Error): ...
class ConversionWarning(UserWarning): ...

class Result:
    path: str
    status: str
    error_kind: Optional[str]
    error: Optional[str]
    document_json: Optional[str]
    @property
    def ok(self) -> bool: ...
    @property
    def document(self) -> Optional[Dict[str, Any]]: ...

def convert_json(
    source: Source,
    *,
    password: Optional[str] = ...,
    provenance: bool = ...,
    name: Optional[str] = ...,
    timeout: Optional[float] = ...,
    max_file_size: Optional[int] = ...,
) -> str: ...
def convert(
    source: Source,
    *,
    password: Optional[str] = ...,
    provenance: bool = ...,
    name: Optional[str] = ...,
    timeout: Optional[float] = ...,
    max_file_size: Optional[int] = ...,
) -> Dict[str, Any]: ...
def convert_result(
    source: Source,
    *,
    password: Optional[str] = ...,
    provenance: bool = ...,
    name: Optional[str] = ...,
    page_threads: Optional[int] = ...,
    timeout: Optional[float] = ...,
    max_file_size: Optional[int] = ...,
) -> Result: ...
def convert_many(
    paths: Iterable[Union[str, os.PathLike[str]]],
    *,
    jobs: int = ...,
    password: Optional[str] = ...,
    provenance: bool = ...,
    timeout: Optional[float] = ...,
    max_file_size: Optional[int] = ...,
) -> Iterator[Result]: ...
def to_arrow(
    documents_or_paths: Iterable[Union[Dict[str, Any], Result, str, os.PathLike[str]]],
    *,
    password: Optional[str] = ...,
    on_error: Literal["warn", "ignore", "raise"] = ...,
    timeout: Optional[float] = ...,
    max_file_size: Optional[int] = ...,
    jobs: int = ...,
) -> Dict[str, Any]: ...
