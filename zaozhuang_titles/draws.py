"""The verifiable random draw (随机抽取), shared by every draw of the portal.

A draw commits to its seed before it is made and reveals it afterwards, so anyone can check it:

1. ``new_seed()`` picks a secret seed; only ``seed_sha256(seed)`` is published (the commitment).
2. The draw is ``draw_sample(candidates, seed, count)``: ``random.Random(seed).sample`` of the
   candidates' numbers, sorted first so the order they were listed in does not matter.
3. The seed is then revealed; anyone re-runs the same sample, and checks that the seed's SHA-256 is the
   hash published before.

A draw made of several samples (the enterprises of an inspection, then each one's inspectors) draws each
from its own seed, ``derived_seed(seed, "part", ...)``, so one revealed seed still answers for all.
The expert panel of a review meeting (``reviews.services.draw``) and the 双随机 inspections
(``inspections.services.draw``) both use these functions.
"""

import hashlib
import random
import secrets


def new_seed():
    """A fresh secret seed: 64 hexadecimal characters (256 bits)."""
    return secrets.token_hex(32)


def seed_sha256(seed):
    """The commitment published before the draw: the SHA-256 of the seed, in hexadecimal."""
    return hashlib.sha256(seed.encode("ascii")).hexdigest()


def derived_seed(seed, *parts):
    """The seed of one part of a draw: the seed and the part's names joined by colons."""
    return ":".join([seed, *(str(part) for part in parts)])


def draw_sample(candidates, seed, count):
    """``count`` of ``candidates`` (numbers), in the order drawn. Deterministic from ``seed``; the
    candidates are sorted first, so the order they were listed in does not matter."""
    return random.Random(seed).sample(sorted(candidates), count)  # noqa: S311 - verifiable, seed secret until drawn
