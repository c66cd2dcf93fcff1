"""A recording's META block, read as docs/recording.md ("The format, byte by byte") says."""
import struct
import zlib

FILE_MAGIC = b"TCPLREC\0"
BLOCK_MAGIC = 0x4b424c54
META = 1
TAG_LIMITS = 10  # u32 max connections, u32 ring buffer MiB


def meta(path):
    """The META entries of the recording at path: {tag: [value, ...]} (values as bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != FILE_MAGIC:
        raise ValueError("%s: not a recording" % path)
    magic, btype, codec, _, raw, stored, crc, _ = struct.unpack_from("<IBBHIIII", data, 16)
    if magic != BLOCK_MAGIC or btype != META:
        raise ValueError("%s: the first block is not META" % path)
    payload = data[16 + 48:16 + 48 + stored]
    if zlib.crc32(payload) != crc:
        raise ValueError("%s: META payload CRC mismatch" % path)
    if codec == 1:
        payload = zlib.decompress(payload)
    if len(payload) != raw:
        raise ValueError("%s: META is %d bytes, its header says %d" % (path, len(payload), raw))
    entries, at = {}, 0
    while at + 8 <= len(payload):
        tag, _, length = struct.unpack_from("<HHI", payload, at)
        entries.setdefault(tag, []).append(payload[at + 8:at + 8 + length])
        at += 8 + length
    return entries


def limits(path):
    """(max connections, ring buffer MiB) as the recording's META says."""
    return struct.unpack_from("<II", meta(path)[TAG_LIMITS][0])

