"""What a video upload must be, and the byte ranges a file is sent in (RFC 9110 §14)."""

import pytest
from django.core.exceptions import ValidationError

from library.files import Unsatisfiable, inspect_video, parse_range
from tests.library.factories import box, mp4_bytes, mp4_file


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=-5000", (0, 999)),  # a suffix longer than the file: the whole file, as a range
        ("bytes=990-5000", (990, 999)),  # the end is clipped
        ("bytes=999-999", (999, 999)),
        ("BYTES = 5-6", (5, 6)),
        ("bytes=0-1,5-6", None),  # several ranges: the whole file
        ("items=0-5", None),  # another unit
        ("bytes=5-1", None),  # invalid: ignored
        ("bytes=a-b", None),
        ("bytes=-", None),
        ("bytes 0-5", None),
        ("bytes=-0x10", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_parse_range_past_the_end_is_unsatisfiable(header):
    with pytest.raises(Unsatisfiable):
        parse_range(header, 1000)


def test_parse_range_of_an_empty_file_is_unsatisfiable():
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=-10", 0)


def test_inspect_video_accepts_an_mp4():
    data = mp4_bytes()

    size, sha256, name = inspect_video(mp4_file("职称申报培训.mp4", data))

    assert (size, name, len(sha256)) == (len(data), "职称申报培训.mp4", 64)


def test_inspect_video_accepts_a_64_bit_box_and_a_last_box_to_the_end():
    big = b"\x00\x00\x00\x01mdat" + (16 + 10).to_bytes(8, "big") + b"x" * 10
    to_end = b"\x00\x00\x00\x00free" + b"y" * 20
    data = mp4_bytes()[:-4008] + big + to_end  # drop the 8+4000 byte mdat, keep ftyp and moov

    assert inspect_video(mp4_file(data=data))[0] == len(data)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("培训.mp4", b"", "library_video_empty"),
        ("培训.mp4", b"%PDF-1.4 not a video", "library_video_type"),
        ("培训.mp4", box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + box(b"meta"), "library_video_type"),
        ("培训.avi", mp4_bytes(), "library_video_extension"),
        ("培训", mp4_bytes(), "library_video_extension"),
        # An archive or a web page glued behind the video.
        ("培训.mp4", mp4_bytes() + b"PK\x05\x06" + b"\x00" * 18, "library_video_damaged"),
        ("培训.mp4", mp4_bytes() + b"<html><script>alert(1)</script>", "library_video_damaged"),
        # Cut off while uploading: the last box claims more than there is.
        ("培训.mp4", mp4_bytes()[:-10], "library_video_damaged"),
        # A box with a length smaller than its header.
        ("培训.mp4", mp4_bytes()[:32] + b"\x00\x00\x00\x04moov", "library_video_damaged"),
        ("培训.mp4", box(b"ftyp", b"isom\x00\x00\x02\x00isom") + box(b"mdat", b"x" * 50), "library_video_damaged"),
    ],
)
def test_inspect_video_refuses(name, data, code):
    with pytest.raises(ValidationError) as refused:
        inspect_video(mp4_file(name, data))

    assert refused.value.code == code


def test_inspect_video_refuses_an_over_large_file():
    with pytest.raises(ValidationError) as refused:
        inspect_video(mp4_file(data=mp4_bytes()), max_bytes=100)

    assert refused.value.code == "library_video_too_large"
    assert "at most" in refused.value.messages[0]
