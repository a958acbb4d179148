"""Reading a ``mod-press/1`` document as a stream: one record at a time, never all of it.

An archive can run to hundreds of megabytes, so the document is never loaded whole.
``outline()`` reads it once, quickly, to check that it is JSON, learn its format and
count the records of each section; ``records()`` and ``releases()`` then read it again
and hand over one record at a time. The format does not fix the order of the sections:
releases may come before the photos and officials they use, which is why references
are read in a pass of their own.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ijson

SECTIONS = ("countries", "officials", "photos", "releases")
REFERENCE_SECTIONS = ("countries", "officials", "photos")
CHUNK = 64 * 1024
VALUES = {"start_map", "start_array", "string", "number", "boolean", "null"}
DEPTH = {"start_map": 1, "start_array": 1, "end_map": -1, "end_array": -1}
# No record of the format goes deeper than a few levels (a release, its body, a block, its
# text in one language): a document nested deeper is refused as it is read.
MAX_DEPTH = 16
# Control characters (but tab, line feed and carriage return), and the non-characters
# U+FFFE and U+FFFF (a lone surrogate is read as the latter): nothing a text may hold,
# and what a database refuses (NUL) or a page would carry to a reader's browser.
NOT_ALLOWED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Characters refused are listed up to this number, then counted.
MAX_REFUSED = 100
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
    # Strings holding a character that is not allowed, with their place.
    refused: list = field(default_factory=list)
    more_refused: int = 0

    @property
    def total(self) -> int:
        return sum(self.sizes.values())


def outline(path: Path) -> Outline:
    """Read the whole document once, keeping nothing but counts; raise ``Unreadable``.

    Every string is checked for characters no text may hold, and the nesting for a
    depth no record of the format has; a document deeper than that is refused at
    once, before a parser builds anything of it.
    """
    result = Outline()
    state = _OutlineState(result)
    events = ijson.sendable_list()
    parser = ijson.basic_parse_coro(events)
    offset = 0
    pending = b""
    with path.open("rb") as document:
        while True:
            chunk = document.read(CHUNK)
            data, pending = mark_lone_surrogates(
                pending + chunk, state.surrogates, final=not chunk
            )
            if data:
                try:
                    parser.send(data)
                except ijson.JSONError as exc:
                    raise Unreadable(syntax_error(path, exc, offset)) from exc
                state.read(events)
                del events[:]
                if not result.is_object:
                    return result
                offset += len(data)
            if not chunk:
                break
        try:
            parser.close()
        except ijson.JSONError as exc:
            raise Unreadable(syntax_error(path, exc, offset)) from exc
    state.read(events)
    return result


# A \uXXXX escape of a surrogate, not itself escaped (an even run of backslashes before
# it): a high one with the low one that completes it, if it has one, or a low one alone.
SURROGATE_ESCAPE = re.compile(
    rb"(?<!\\)(?:\\\\)*\\u(d[89ab][0-9a-f]{2})(\\ud[c-f][0-9a-f]{2})?"
    rb"|(?<!\\)(?:\\\\)*\\u(d[c-f][0-9a-f]{2})",
    re.IGNORECASE,
)
# What a lone surrogate is read as instead: a non-character of the same escape length,
# refused like any other (the parser itself would quietly turn it into "?").
LONE_SURROGATE_MARK = b"\\uffff"


def mark_lone_surrogates(data: bytes, found: list, final: bool) -> tuple[bytes, bytes]:
    """``data`` with each lone surrogate escape replaced, and the tail kept for next time.

    The tail starts after a byte that is not a backslash and holds the last 12 bytes,
    so that an escape and its pair are always read whole, with what precedes them.
    """
    if final:
        split = len(data)
    else:
        split = max(len(data) - 12, 0)
        while split > 0 and data[split - 1 : split] == b"\\":
            split -= 1
    if b"\\u" not in data:
        return data[:split], data[split:]
    out = bytearray(data)
    for match in SURROGATE_ESCAPE.finditer(data):
        if match.start() >= split:
            break
        if match.group(2):
            continue  # a pair: one character
        code = match.group(1) or match.group(3)
        at = match.end() - 6
        out[at : at + 6] = LONE_SURROGATE_MARK
        found.append(int(code, 16))
    return bytes(out[:split]), bytes(out[split:])


class _OutlineState:
    """Follows the parser's events, keeping the place of each; counts records."""

    def __init__(self, result: Outline):
        self.result = result
        # One [key or index, is_array] per open object or list: where the parser is.
        self.stack: list[list] = []
        self.seen = set()
        self.format_builder = None
        self.surrogates: list[int] = []  # lone surrogates found, in document order

    def place(self, parts=None) -> str:
        text = ""
        for name, is_array in self.stack if parts is None else parts:
            if is_array:
                text += f"[{name}]"
            elif name is not None:
                text += f".{name}" if text else str(name)
        return text or "document"

    def read(self, events):
        stack = self.stack
        for event, value in events:
            if event == "map_key":
                self.check_text(value, key=True)
                stack[-1][0] = value
                if len(stack) == 1:
                    self.top_key(value)
            elif event in ("end_map", "end_array"):
                stack.pop()
            else:
                self.value(event, value)
                if event in ("start_map", "start_array"):
                    stack.append([-1 if event == "start_array" else None, event == "start_array"])
                    if len(stack) > MAX_DEPTH:
                        raise Unreadable(
                            f"{self.place()}: nested more than {MAX_DEPTH} levels deep"
                        )
                elif event == "string":
                    self.check_text(value)
            if self.format_builder is not None:
                self.format_builder.event(event, value)
                if len(stack) == 1:
                    self.result.format = self.format_builder.value
                    self.format_builder = None

    def value(self, event, value):
        """A value starts: the document itself, a section, a record, or deeper."""
        stack = self.stack
        if not stack:
            self.result.is_object = event == "start_map"
            return
        parent = stack[-1]
        if parent[1]:
            parent[0] += 1
        depth = len(stack)
        key = stack[0][0]
        if depth == 1 and key in SECTIONS:
            if event == "start_array":
                self.result.sizes.setdefault(key, 0)
            else:
                self.result.problems.append(f"{key}: expected a list")
        elif depth == 2 and key in SECTIONS and parent[1]:
            self.result.sizes[key] += 1
        elif depth == 1 and key == "format":
            if event in ("start_map", "start_array"):
                self.format_builder = ijson.ObjectBuilder()
            else:
                self.result.format = value

    def top_key(self, key):
        if key in self.seen and (key in SECTIONS or key == "format"):
            self.result.problems.append(f"{key}: appears twice in the document")
        self.seen.add(key)

    def check_text(self, text: str, key=False):
        match = NOT_ALLOWED.search(text)
        if match is None:
            return
        character = ord(match.group())
        if character == 0xFFFF and self.surrogates:
            character = self.surrogates.pop(0)
        problem = f"contains a character that is not allowed (U+{character:04X})"
        if key:
            # The place of the object whose member is named so.
            place = self.place([*self.stack[:-1], [None, False]])
            problem = f"the name of a member {problem}"
        else:
            place = self.place()
        if len(self.result.refused) < MAX_REFUSED:
            self.result.refused.append(f"{place}: {problem}")
        else:
            self.result.more_refused += 1


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
