"""Search over published releases that understands inflected Ukrainian.

PostgreSQL ships no Ukrainian stemmer, and Ukrainian words change their endings in
every case («Норвегія», «Норвегії», «Норвегією»). So each word, of the releases and of
the query alike, is reduced to a *root*: a light stemmer strips the inflectional ending
(English words go through Snowball's English stemmer). The roots of each release are
stored once per language in ``SearchDocument``; a query matches releases whose roots
begin with the query's roots, so «Боєв» finds «Боєвим» and «оборонна промисловість»
finds «оборонної промисловості».

On PostgreSQL the roots are a ``tsvector`` with a GIN index ('simple' configuration,
prefix queries, ranked with title above lead above body); on SQLite the same roots are
matched with LIKE. Both find the same releases; PostgreSQL ranks them better.
"""

import html
import re
from functools import cache

import snowballstemmer
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

from releases import limits

LANGUAGES = [code for code, _name in settings.LANGUAGES]
MAX_QUERY_LENGTH = limits.SEARCH_QUERY
MAX_TERMS = 8
MIN_ROOT = 3

WORD_RE = re.compile(r"\w+(?:['’ʼ]\w+)*")
APOSTROPHES = re.compile(r"['’ʼ]")
TAG_RE = re.compile(r"<[^>]*>")

# Inflectional endings of Ukrainian nouns, adjectives and participles, longest first.
# Stripping them leaves a root shared by a word's forms. Verb endings (-ти, -ла…) are
# left out on purpose: they would cut nouns such as «ракети» too short.
_ENDINGS = """
    ості остей остям остями остях істю ість
    ення енню енням еннях еннями
    ами ями ові еві єві ому ого ими іми ією єю ою ею
    ах ях ам ям ом ем єм ів їв ей ий ій ої ую юю ім их іх им ія ії ію іє
    а я о е є и і ї у ю ь й
"""
UKRAINIAN_ENDINGS = sorted(set(_ENDINGS.split()), key=len, reverse=True)


@cache
def english_stemmer():
    return snowballstemmer.stemmer("english")


def ukrainian_root(word: str) -> str:
    for ending in UKRAINIAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_ROOT:
            return word[: -len(ending)]
    return word


def root(word: str, language: str) -> str:
    """The searchable root of ``word`` (already lowercased) in ``language``."""
    word = APOSTROPHES.sub("", word)
    if re.search(r"[а-яіїєґ]", word):
        return ukrainian_root(word)
    if language == "en" or word.isascii():
        return english_stemmer().stemWord(word)
    return word


def words(text: str) -> list[str]:
    return WORD_RE.findall(TAG_RE.sub(" ", text or "").casefold())


def roots(text: str, language: str) -> str:
    """``text`` as a string of roots, each with a space before it (for prefix LIKE)."""
    return "".join(f" {root(w, language)}" for w in words(text)) + " "


def query_roots(query: str, language: str) -> list[str]:
    """The distinct roots of a reader's query, at most ``MAX_TERMS``, longest query cut."""
    found = []
    for word in words((query or "")[:MAX_QUERY_LENGTH]):
        r = root(word, language)
        if len(r) >= 2 and r not in found:
            found.append(r)
    return found[:MAX_TERMS]


# Indexing ---------------------------------------------------------------------------------


def document_texts(release, language) -> dict[str, str]:
    """What a release's search document holds in ``language``: title, lead, the rest."""
    body = [getattr(b, f"text_{language}") or "" for b in release.blocks.all()]
    body += [getattr(o, f"name_{language}") or "" for o in release.officials.all()]
    body += [
        getattr(b.official, f"name_{language}") or "" for b in release.blocks.all() if b.official
    ]
    body += [getattr(t, f"name_{language}") or "" for t in release.tags.all()]
    body += [c.name_in(language) for c in release.countries.all()]
    return {
        "title": getattr(release, f"title_{language}") or "",
        "lead": getattr(release, f"lead_{language}") or "",
        "body": " ".join(body),
    }


def index_release(release):
    """(Re)build the release's search documents, one per language it is written in."""
    from .models import Release, SearchDocument

    release = (
        Release.objects.prefetch_related("blocks__official", "officials", "tags", "countries")
        .filter(pk=release.pk)
        .first()
    )
    if release is None:
        return
    for language in LANGUAGES:
        texts = document_texts(release, language)
        if not texts["title"]:
            SearchDocument.objects.filter(release=release, language=language).delete()
            continue
        document, _created = SearchDocument.objects.update_or_create(
            release=release,
            language=language,
            defaults={name: roots(text, language) for name, text in texts.items()},
        )
        if connection.vendor == "postgresql":
            SearchDocument.objects.filter(pk=document.pk).update(
                vector=SearchVector("title", weight="A", config="simple")
                + SearchVector("lead", weight="B", config="simple")
                + SearchVector("body", weight="C", config="simple")
            )


def index_missing():
    """Index the releases that have no search document yet (after an upgrade, say)."""
    from .models import Release

    for release in Release.objects.filter(search_documents__isnull=True):
        index_release(release)


def index_missing_after_migrate(sender, **kwargs):
    index_missing()


# Searching ----------------------------------------------------------------------------------


def search(queryset, query: str, language: str):
    """``queryset`` (releases) narrowed to those matching ``query``, best first."""
    from .models import SearchDocument

    terms = query_roots(query, language)
    if not terms:
        return queryset.none()
    documents = SearchDocument.objects.filter(language=language)
    if connection.vendor == "postgresql":
        tsquery = SearchQuery(
            " & ".join(f"{term}:*" for term in terms), search_type="raw", config="simple"
        )
        documents = documents.filter(vector=tsquery).annotate(
            score=SearchRank(F("vector"), tsquery)
        )
    else:
        score = Value(0)
        for term in terms:
            needle = f" {term}"
            documents = documents.filter(
                Q(title__contains=needle) | Q(lead__contains=needle) | Q(body__contains=needle)
            )
            score = score + Case(
                When(title__contains=needle, then=Value(4)),
                When(lead__contains=needle, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        documents = documents.annotate(score=score)
    # One document per release and language: the rank is that document's score.
    rank = Subquery(documents.filter(release=OuterRef("pk")).values("score")[:1])
    return (
        queryset.annotate(rank=rank)
        .filter(rank__isnull=False)
        .order_by("-rank", "-published_at", "-pk")
    )


def snippet(release, query: str, language: str, width: int = 240) -> str:
    """A passage of the release around the first match, with the matches in <mark>."""
    terms = query_roots(query, language)
    passages = [getattr(release, f"lead_{language}") or ""] + [
        # Stored paragraphs are HTML: back to plain text, then escaped once when marked.
        html.unescape(TAG_RE.sub("", getattr(b, f"text_{language}") or ""))
        for b in release.blocks.all()
    ]
    for passage in passages:
        marked, found = highlight(passage, terms, language)
        if found:
            return shorten(marked, passage, width)
    return escape(passages[0][:width])


def highlight(text: str, terms: list[str], language: str):
    parts, found, position = [], False, 0
    for match in WORD_RE.finditer(text):
        word_root = root(match.group().casefold(), language)
        if any(word_root.startswith(term) for term in terms):
            parts.append(escape(text[position : match.start()]))
            parts.append(f"<mark>{escape(match.group())}</mark>")
            position = match.end()
            found = True
    parts.append(escape(text[position:]))
    return "".join(parts), found


def shorten(marked: str, plain: str, width: int) -> str:
    """Cut a highlighted passage to about ``width`` characters around its first mark."""
    if len(plain) <= width:
        return mark_safe(marked)  # built from escaped text and our own <mark>
    start = marked.find("<mark>")
    begin = max(0, start - width // 3)
    # Never cut inside an entity or a tag: move to the next space.
    if begin:
        begin = marked.find(" ", begin) + 1
    end = marked.find(" ", begin + width)
    piece = marked[begin : end if end != -1 else None]
    if piece.count("<mark>") != piece.count("</mark>"):
        piece += "</mark>"
    return mark_safe(("… " if begin else "") + piece + (" …" if end != -1 else ""))
