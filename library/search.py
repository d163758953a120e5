"""Finding documents by what they say: substring match everywhere, trigram similarity on PostgreSQL.

Chinese has no spaces between words, and PostgreSQL ships no Chinese parser for full-text search
(zhparser and pg_jieba are extensions a government database may not be allowed to install). Trigrams
need none: ``pg_trgm`` (shipped with PostgreSQL, a trusted extension) cuts the text into runs of three
characters, whatever the language, and its GIN index serves both ``LIKE '%…%'`` and the
word-similarity operator. So a document is found when its text contains every term asked (a plain
substring test, exact for Chinese: 申报 finds 申报指南), and on PostgreSQL also when a word of it is
close to the query (a typo, a variant); results are then ranked by that similarity.

The searched text (``Document.search_text``) is kept normalised — NFKC (full-width letters and digits
folded) and case-folded — and the query is normalised alike, so the index serves a plain ``LIKE``. On
SQLite (development, tests) the same substring test runs without the similarity.
"""

import unicodedata

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.db import connection
from django.db.models import F, Q, Value

from library.models import SearchTextField

SearchTextField.register_lookup(TrigramWordSimilar)

MAX_QUERY_CHARS = 100
MAX_TERMS = 5


def normalize(text):
    """Text as searched: NFKC, case-folded, one space between runs."""
    return " ".join(unicodedata.normalize("NFKC", str(text or "")).casefold().split())


def search_text_of(*parts):
    return normalize(" ".join(str(part) for part in parts if part))


def search_documents(queryset, query):
    """``queryset`` narrowed to the documents matching ``query``; on PostgreSQL ranked by similarity."""
    term = normalize(query)[:MAX_QUERY_CHARS]
    if not term:
        return queryset
    substring = Q()
    for word in term.split()[:MAX_TERMS]:
        substring &= Q(search_text__contains=word)
    if connection.vendor != "postgresql":
        return queryset.filter(substring)
    from django.contrib.postgres.search import TrigramWordSimilarity

    return (
        queryset.filter(substring | Q(search_text__trigram_word_similar=term))
        .annotate(rank=TrigramWordSimilarity(Value(term), F("search_text")))
        .order_by("-rank", "kind", "title", "id")
    )
