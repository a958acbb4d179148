"""Reading a ``mod-press/1`` document as a stream: one record at a time, never all of it.

An archive can run to hundreds of megabytes, so the document is never loaded whole.
``outline()`` reads it once, quickly, to check that it is JSON, learn its format and
count the records of each section; ``records()`` and ``releases()`` then read it again
and hand over one record at a time. The format does not fix the order of the sections:
releases may come before the photos and officials they use, which is why references
are read in a pass of their own.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ijson

SECTIONS = ("countries", "officials", "photos", "releases")
REFERENCE_SECTIONS = ("countries", "officials", "photos")
CHUNK = 64 * 1024
VALUES = {"start_map", "start_array", "string", "number", "boolean", "null"}
DEPTH = {"start_map": 1, "start_array": 1, "end_map": -1, "end_array": -1}
# Bytes that continue a UTF-8 character: not counted as columns.
CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


class Unreadable(Exception):
    """The document cannot be read as JSON at all: ``message`` says where and why."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


@dataclass
class Outline:
    """What the first pass learns: the document's format and the size of each section."""

    is_object: bool = True
    format: object = None
    # Sections that are lists, with their number of records, in the order they come.
    sizes: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.sizes.values())


def outline(path: Path) -> Outline:
    """Read the whole document once, keeping nothing but counts; raise ``Unreadable``."""
    result = Outline()
    state = _OutlineState(result)
    events = ijson.sendable_list()
    parser = ijson.parse_coro(events)
    offset = 0
    with path.open("rb") as document:
        while chunk := document.read(CHUNK):
            try:
                parser.send(chunk)
            except ijson.JSONError as exc:
                raise Unreadable(syntax_error(path, exc, offset)) from exc
            state.read(events)
            del events[:]
            if not result.is_object:
                return result
            offset += len(chunk)
        try:
            parser.close()
        except ijson.JSONError as exc:
            raise Unreadable(syntax_error(path, exc, offset)) from exc
    state.read(events)
    return result


class _OutlineState:
    """Follows the parser's events at the top of the document; counts records below it."""

    def __init__(self, result: Outline):
        self.result = result
        self.key = None
        self.item_prefix = None
        self.seen = set()
        self.format_builder = None

    def read(self, events):
        # Most events lie deep inside records: one comparison each, and nothing more.
        for prefix, event, value in events:
            if prefix == self.item_prefix:
                if event in VALUES:
                    self.result.sizes[self.key] += 1
            elif "." not in prefix or self.format_builder is not None:
                self.event(prefix, event, value)

    def event(self, prefix, event, value):
        if prefix == "":
            if event == "map_key":
                self.top_key(value)
            elif event != "end_map":
                self.result.is_object = event == "start_map"
        elif prefix == "format" or prefix.startswith("format."):
            self.format_event(event, value)
        elif prefix == self.key and self.key in SECTIONS:
            self.section_event(event)

    def top_key(self, key):
        self.key, self.item_prefix = key, None
        if key in self.seen and (key in SECTIONS or key == "format"):
            self.result.problems.append(f"{key}: appears twice in the document")
        self.seen.add(key)

    def format_event(self, event, value):
        if self.format_builder is None and event not in ("start_map", "start_array"):
            self.result.format = value
            return
        if self.format_builder is None:
            self.format_builder = ijson.ObjectBuilder()
        self.format_builder.event(event, value)
        self.result.format = self.format_builder.value

    def section_event(self, event):
        if event == "start_array":
            self.result.sizes.setdefault(self.key, 0)
            self.item_prefix = f"{self.key}.item"
        elif event in VALUES:
            self.result.problems.append(f"{self.key}: expected a list")


def syntax_error(path: Path, exc: Exception, chunk_start: int) -> str:
    """The parser's complaint with the line and column where it stopped."""
    text = str(exc)
    if "invalid bytes in UTF8" in text:
        return f"{path.name}: not UTF-8 text"
    reason = text.removeprefix("b'").splitlines()[0].split("\\n")[0]
    for prefix in ("parse error: ", "lexical error: "):
        reason = reason.removeprefix(prefix)
    line, column = error_position(path, chunk_start)
    return f"{path.name}: not valid JSON (line {line}, column {column}: {reason.strip()})"


def error_position(path: Path, chunk_start: int) -> tuple[int, int]:
    """Line and column (from 1) of the byte the parser stopped at.

    The first pass knows which chunk failed; this one parses up to it again, then feeds
    that chunk a byte at a time to find the byte. Only a broken document pays for it.
    """
    events = ijson.sendable_list()
    parser = ijson.basic_parse_coro(events)
    line, column = 1, 1
    with path.open("rb") as document:
        offset = 0
        while offset < chunk_start and (chunk := document.read(min(CHUNK, chunk_start - offset))):
            parser.send(chunk)
            del events[:]
            line, column = advance(line, column, chunk)
            offset += len(chunk)
        for byte in (bytes([b]) for b in document.read(CHUNK)):
            try:
                parser.send(byte)
            except ijson.JSONError:
                return line, column
            line, column = advance(line, column, byte)
    return line, column


def advance(line: int, column: int, data: bytes) -> tuple[int, int]:
    """Line and column after reading ``data`` from (line, column)."""
    newlines = data.count(b"\n")
    if newlines:
        line += newlines
        column = 1
        data = data[data.rindex(b"\n") + 1 :]
    return line, column + len(data.translate(None, CONTINUATION_BYTES))


def records(path: Path, sections) -> Iterator[tuple[str, int, object]]:
    """``(section, index, record)`` for the records of ``sections``, in document order.

    Stops reading as soon as the last of those sections has ended: when they come
    before the releases, as the exporter writes them, the releases are not read at all.
    """
    remaining = set(sections)
    if not remaining:
        return
    counters = dict.fromkeys(remaining, 0)
    prefixes = {f"{name}.item": name for name in remaining}
    builder, depth, section = None, 0, None
    with path.open("rb") as document:
        for prefix, event, value in ijson.parse(document, use_float=True):
            if builder is not None:
                depth += DEPTH.get(event, 0)
                builder.event(event, value)
                if depth == 0:
                    yield section, counters[section], builder.value
                    counters[section] += 1
                    builder = None
            elif prefix in prefixes and event in VALUES:
                section = prefixes[prefix]
                if event in ("start_map", "start_array"):
                    builder, depth = ijson.ObjectBuilder(), 1
                    builder.event(event, value)
                else:
                    yield section, counters[section], value
                    counters[section] += 1
            elif event == "end_array" and prefix in remaining:
                remaining.discard(prefix)
                if not remaining:
                    return


def releases(path: Path) -> Iterator[object]:
    """The releases of the document, one at a time (parsed by the C parser)."""
    with path.open("rb") as document:
        yield from ijson.items(document, "releases.item", use_float=True)
