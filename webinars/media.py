"""Video files: read a duration from MP4 or WebM headers; parse HTTP byte ranges."""

import re
import struct
from typing import BinaryIO

STREAM_CHUNK_BYTES = 64 * 1024


# MP4 (ISO base media) ----------------------------------------------------------


def _mp4_boxes(stream: BinaryIO, start: int, end: int):
    """Yield (type, payload_start, box_end) for boxes between start and end."""
    position = start
    while position + 8 <= end:
        stream.seek(position)
        header = stream.read(8)
        if len(header) < 8:
            return
        size, box_type = struct.unpack(">I4s", header)
        header_size = 8
        if size == 1:
            size = struct.unpack(">Q", stream.read(8))[0]
            header_size = 16
        elif size == 0:
            size = end - position
        if size < header_size:
            return
        yield box_type, position + header_size, min(position + size, end)
        position += size


def mp4_duration_seconds(stream: BinaryIO, file_size: int) -> float | None:
    """Duration from the movie header ('moov' > 'mvhd'): duration / timescale."""
    for box_type, payload, box_end in _mp4_boxes(stream, 0, file_size):
        if box_type != b"moov":
            continue
        for inner_type, inner_payload, _inner_end in _mp4_boxes(
            stream, payload, box_end
        ):
            if inner_type != b"mvhd":
                continue
            stream.seek(inner_payload)
            version = stream.read(1)[0]
            stream.read(3)  # flags
            if version == 1:
                stream.read(16)  # creation and modification times
                timescale, duration = struct.unpack(">IQ", stream.read(12))
            else:
                stream.read(8)
                timescale, duration = struct.unpack(">II", stream.read(8))
            if not timescale:
                return None
            return duration / timescale
    return None


# WebM (Matroska, EBML) ---------------------------------------------------------

EBML_SEGMENT = 0x18538067
EBML_INFO = 0x1549A966
EBML_TIMECODE_SCALE = 0x2AD7B1
EBML_DURATION = 0x4489
EBML_CLUSTER = 0x1F43B675


def _ebml_vint(stream: BinaryIO, *, keep_marker: bool) -> tuple[int, int, bool]:
    """(value, length in bytes, is "unknown size") of one EBML variable-size integer."""
    first = stream.read(1)
    if not first:
        raise EOFError
    byte = first[0]
    length = 1
    mask = 0x80
    while length <= 8 and not byte & mask:
        mask >>= 1
        length += 1
    if length > 8:
        raise ValueError("invalid EBML integer")
    value = byte if keep_marker else byte & (mask - 1)
    rest = stream.read(length - 1)
    for extra in rest:
        value = (value << 8) | extra
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, length, unknown


def _ebml_elements(stream: BinaryIO, start: int, end: int):
    position = start
    while position < end:
        stream.seek(position)
        try:
            element_id, id_length, _unknown = _ebml_vint(stream, keep_marker=True)
            size, size_length, unknown = _ebml_vint(stream, keep_marker=False)
        except (EOFError, ValueError):
            return
        payload = position + id_length + size_length
        element_end = end if unknown else payload + size
        yield element_id, payload, element_end
        if unknown:
            return
        position = element_end


def webm_duration_seconds(stream: BinaryIO, file_size: int) -> float | None:
    """Duration from Segment > Info: Duration (in TimecodeScale nanoseconds)."""
    for element_id, payload, element_end in _ebml_elements(stream, 0, file_size):
        if element_id != EBML_SEGMENT:
            continue
        for child_id, child_payload, child_end in _ebml_elements(
            stream, payload, element_end
        ):
            if child_id == EBML_CLUSTER:
                return None  # Info always comes before the first cluster
            if child_id != EBML_INFO:
                continue
            scale, duration = 1_000_000, None
            for info_id, info_payload, info_end in _ebml_elements(
                stream, child_payload, child_end
            ):
                stream.seek(info_payload)
                data = stream.read(info_end - info_payload)
                if info_id == EBML_TIMECODE_SCALE:
                    scale = int.from_bytes(data, "big")
                elif info_id == EBML_DURATION and len(data) in (4, 8):
                    duration = struct.unpack(">f" if len(data) == 4 else ">d", data)[0]
            if duration is None:
                return None
            return duration * scale / 1e9
    return None


def video_duration_seconds(stream: BinaryIO, file_size: int, mime: str) -> float | None:
    """The duration in seconds written in the file's header, or None if absent."""
    if mime == "video/mp4":
        return mp4_duration_seconds(stream, file_size)
    if mime == "video/webm":
        return webm_duration_seconds(stream, file_size)
    return None


# HTTP ranges ------------------------------------------------------------------

RANGE_HEADER = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$")


class UnsatisfiableRange(Exception):
    """The Range header asks for bytes the file does not have (416)."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive byte positions of a single range, or None for "all".

    Several ranges in one header, or a malformed header, are ignored (RFC 9110 lets
    a server answer 200 with the whole file). A well-formed range that the file
    cannot satisfy raises UnsatisfiableRange.
    """
    if not header:
        return None
    match = RANGE_HEADER.match(header)
    if not match:
        return None
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # suffix range: the last N bytes
        length = int(last_text)
        if length == 0 or size == 0:
            raise UnsatisfiableRange
        return max(size - length, 0), size - 1
    first = int(first_text)
    if first >= size:
        raise UnsatisfiableRange
    last = int(last_text) if last_text else size - 1
    if last < first:
        return None
    return first, min(last, size - 1)


def file_chunks(path: str, first: int, length: int, chunk_size=STREAM_CHUNK_BYTES):
    """Yield `length` bytes from `first`, a chunk at a time: memory stays flat."""
    with open(path, "rb") as stream:
        stream.seek(first)
        remaining = length
        while remaining > 0:
            data = stream.read(min(chunk_size, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
