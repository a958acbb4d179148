"""Search over published releases that understands inflected Ukrainian.

Ukrainian words change in every case and tense, and often their stem changes with them
(«Київ», «у Києві»; «рік», «року»; «посол», «посла»; «день», «дня»). PostgreSQL ships
no Ukrainian dictionary, so the words are reduced here, in Python, before they reach the
database:

- A Ukrainian word is looked up with pymorphy3 and its Ukrainian dictionaries (the
  pymorphy3-dicts-uk package). A word form can belong to several words
  («києві» is a form of «Київ» and of «кий»), so a word stands for the *set* of every
  lemma it may have, and a query word matches a release when any of its lemmas is among
  the release's lemmas. Nothing guesses which reading is meant: both are indexed.
- A word the dictionaries do not know (a foreign surname such as «Фредріксеном», a new
  coinage) gets pymorphy3's guessed lemmas and, besides, the root our light suffix
  stripper leaves, so that its forms still meet.
- Latin-script words go through Snowball's English stemmer; an English stem of four
  letters or more also matches the longer stems it begins (`produce` finds
  `production`). Digits are kept as they are.
- Prepositions, conjunctions and particles («у», «та», "of") are left out of the index
  and the queries: they would only narrow a query to releases that happen to use them.

The lemmas of each release are stored once per language in ``SearchDocument``: on
SQLite as space-separated strings (title, lead and the rest) matched with LIKE; on
PostgreSQL as a weighted ``tsvector`` ('simple' configuration: the words are already
reduced) with one GIN index per language, ranked title above lead above the rest. Both
find the same releases; PostgreSQL ranks them better.

A search starts from the index and joins the matching documents to the releases it may
show. It ranks at most ``MAX_RESULTS`` of them: when more match, the most recently added,
so that a word found in every release costs no more than a rare one (``SearchResults``).
``index_releases()`` rebuilds the documents of many releases in a fixed number of
queries per batch; ``manage.py rebuild_search_index`` rebuilds them all.
"""

import html
import re
import threading
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import NamedTuple

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

from releases import limits
from releases.languages import LANGUAGES, localized

from .models import Release, SearchDocument

MAX_QUERY_LENGTH = limits.SEARCH_QUERY
MAX_TERMS = 8
MIN_ROOT = 3
# Shorter English stems match only themselves: "war" should not find "warning".
MIN_PREFIX = 4
# Longer "words" are codes or junk: they are kept as they are, not analysed.
MAX_WORD = 40
BATCH_SIZE = 500
# A search ranks at most this many matches: the most recently added, if more match.
MAX_RESULTS = 500

WORD_RE = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
APOSTROPHES = re.compile(r"['’ʼ]")
CYRILLIC = re.compile(r"[а-яіїєґ]")
LETTER = re.compile(r"[^\W\d_]")
TAG_RE = re.compile(r"<[^>]*>")

# Prepositions, conjunctions and particles: neither indexed nor asked for.
_STOP_WORDS = """
    а але або б би бо в де же з зі із й і чи ні не на над о об по при та те то у як що щоб
    щодо для від до за під про між через поза біля
    a an and are as at be by for from in into is it its of on or that the to was were with
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

# Inflectional endings of Ukrainian nouns, adjectives and participles, longest first:
# for the words the dictionaries do not know. Verb endings (-ти, -ла…) are left out on
# purpose: they would cut nouns such as «ракети» too short.
_ENDINGS = """
    ості остей остям остями остях істю ість
    ення енню енням еннях еннями
    ами ями ові еві єві ому ого ими іми ією єю ою ею
    ах ях ам ям ом ем єм ів їв ей ий ій ої ую юю ім их іх им ія ії ію іє
    а я о е є и і ї у ю ь й
"""
UKRAINIAN_ENDINGS = sorted(set(_ENDINGS.split()), key=len, reverse=True)


@cache
def morph():
    """The Ukrainian analyser: loaded once per process, on first use (about 0.2 s)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="uk")


@cache
def english_stemmer():
    return snowballstemmer.stemmer("english")


def ukrainian_root(word: str) -> str:
    for ending in UKRAINIAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_ROOT:
            return word[: -len(ending)]
    return word


def is_english(word: str, language: str) -> bool:
    """Whether ``word`` goes through the English stemmer: Latin script on either site."""
    if CYRILLIC.search(word) or not LETTER.search(word) or len(word) > MAX_WORD:
        return False
    return language == "en" or word.isascii()


# About 300 bytes an entry: a worker keeps at most some 15 MB of words it has seen.
@lru_cache(maxsize=50_000)
def lemmas(word: str, language: str) -> tuple[str, ...]:
    """Every lemma ``word`` (casefolded) can have, sorted; none for a stop word.

    The dictionaries spell the apostrophe «'»; lemmas are stored without it, as one
    token, however the text typed it.
    """
    if word in STOP_WORDS:
        return ()
    bare = APOSTROPHES.sub("", word)
    if is_english(word, language):
        return (english_stemmer().stemWord(bare),)
    if not CYRILLIC.search(word) or len(word) > MAX_WORD:
        return (bare,)
    parses = morph().parse(APOSTROPHES.sub("'", word))
    found = {APOSTROPHES.sub("", parse.normal_form) for parse in parses}
    if not any(parse.is_known for parse in parses):
        found.add(ukrainian_root(bare))
    return tuple(sorted({lemma for lemma in found if WORD_RE.fullmatch(lemma)} or {bare}))


def words(text: str) -> list[str]:
    """The words of ``text`` (plain or a stored paragraph's HTML), casefolded."""
    return WORD_RE.findall(html.unescape(TAG_RE.sub(" ", text or "")).casefold())


def lemma_text(text: str, language: str) -> str:
    """``text`` as the lemmas of its words, each with a space either side (for LIKE)."""
    found = [lemma for word in words(text) for lemma in lemmas(word, language)]
    return f" {' '.join(found)} " if found else ""


class Term(NamedTuple):
    """One word of a query: it matches a word having any of ``lemmas``.

    An English stem (``prefix``) also matches the lemmas it begins.
    """

    lemmas: tuple[str, ...]
    prefix: bool

    def matches(self, word_lemmas) -> bool:
        if self.prefix:
            return any(lemma.startswith(self.lemmas) for lemma in word_lemmas)
        return any(lemma in self.lemmas for lemma in word_lemmas)

    def tsquery(self) -> str:
        suffix = ":*" if self.prefix else ""
        return "(" + " | ".join(f"'{lemma}'{suffix}" for lemma in self.lemmas) + ")"

    def needles(self) -> list[str]:
        """What a stored lemma string contains where the term matches."""
        return [f" {lemma}" if self.prefix else f" {lemma} " for lemma in self.lemmas]


def query_terms(query: str, language: str) -> list[Term]:
    """The distinct words of a reader's query, at most ``MAX_TERMS``, longest query cut.

    Stop words are left out.
    """
    found = []
    for word in words((query or "")[:MAX_QUERY_LENGTH]):
        word_lemmas = lemmas(word, language)
        if not word_lemmas:
            continue
        prefix = is_english(word, language) and len(word_lemmas[0]) >= MIN_PREFIX
        term = Term(word_lemmas, prefix)
        if term not in found:
            found.append(term)
    return found[:MAX_TERMS]


# Indexing ---------------------------------------------------------------------------------


def document_texts(release, language) -> dict[str, str]:
    """What a release's search document holds in ``language``: title, lead, the rest."""
    body = [localized(b, "text", language) or "" for b in release.blocks.all()]
    body += [localized(o, "name", language) or "" for o in release.officials.all()]
    body += [
        localized(b.official, "name", language) or "" for b in release.blocks.all() if b.official
    ]
    body += [localized(t, "name", language) or "" for t in release.tags.all()]
    body += [c.name_in(language) for c in release.countries.all()]
    return {
        "title": localized(release, "title", language) or "",
        "lead": localized(release, "lead", language) or "",
        "body": " ".join(body),
    }


def search_vector():
    """The weighted ``tsvector`` of a stored document: title A, lead B, the rest C."""
    return (
        SearchVector("title", weight="A", config="simple")
        + SearchVector("lead", weight="B", config="simple")
        + SearchVector("body", weight="C", config="simple")
    )


# The vector of one document's lemma strings (title, lead, the rest), as search_vector()
# makes it, for the INSERT below.
VECTOR_SQL = " || ".join(f"setweight(to_tsvector('simple', %s), '{w}')" for w in "ABC")


def write_documents(rows):
    """Insert or replace search documents, from ``(release id, language, lemma strings)``.

    One statement. On PostgreSQL the vector is made in the INSERT itself and the strings
    are not kept: they would only double the rows every search reads, and a second pass
    to turn them into vectors would write every document twice. The statement is written
    out: Django compiling three vector expressions a row took longer than PostgreSQL
    making the vectors.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        SearchDocument.objects.bulk_create(
            [SearchDocument(release_id=pk, language=lang, **texts) for pk, lang, texts in rows],
            update_conflicts=True,
            unique_fields=["release", "language"],
            update_fields=["title", "lead", "body"],
        )
        return
    quote = connection.ops.quote_name
    columns = ", ".join(map(quote, ("release_id", "language", "title", "lead", "body", "vector")))
    values = ", ".join([f"(%s, %s, '', '', '', {VECTOR_SQL})"] * len(rows))
    params = [
        value
        for pk, lang, texts in rows
        for value in (pk, lang, texts["title"], texts["lead"], texts["body"])
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(SearchDocument._meta.db_table)} ({columns}) VALUES {values} "
            f"ON CONFLICT ({quote('release_id')}, {quote('language')}) "
            f"DO UPDATE SET {quote('vector')} = EXCLUDED.{quote('vector')}",
            params,
        )


def index_releases(releases, batch_size: int = BATCH_SIZE, progress=None) -> int:
    """(Re)build the search documents of ``releases``: a queryset, releases, or their ids.

    One document per language a release has a title in. Works in batches, each in a fixed
    number of queries however large its releases: one to fetch them, one per related
    list, one upsert of the documents (with their vectors, on PostgreSQL) and one delete
    of those that no longer apply. ``progress(done, total)`` is called after each
    batch. Returns the number of releases indexed.
    """
    if hasattr(releases, "values_list"):
        ids = list(releases.order_by().values_list("pk", flat=True).distinct())
    else:
        ids = [getattr(release, "pk", release) for release in releases]
    ids = sorted(set(ids))
    for start in range(0, len(ids), batch_size):
        batch = (
            Release.objects.filter(pk__in=ids[start : start + batch_size])
            .order_by()
            .prefetch_related("blocks__official", "officials", "tags", "countries")
        )
        _index_batch(list(batch))
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return len(ids)


@transaction.atomic
def _index_batch(releases):
    documents, untitled = [], Q(pk__in=[])
    for language in LANGUAGES:
        without_title = []
        for release in releases:
            texts = document_texts(release, language)
            if not texts["title"]:
                without_title.append(release.pk)
                continue
            lemmas = {name: lemma_text(text, language) for name, text in texts.items()}
            documents.append((release.pk, language, lemmas))
        if without_title:
            untitled |= Q(language=language, release__in=without_title)
    SearchDocument.objects.filter(untitled).delete()
    write_documents(documents)


def index_release(release):
    """(Re)build the release's search documents, one per language it is written in."""
    index_releases([release])


# Following saves: the signals (``releases.signals``) call ``follow()`` for every release
# whose documents a save changes. Inside ``indexing_together()`` (the admin's save of a
# release with its blocks and tags) they are indexed once, at the end, rather than once
# per saved row.
_together = threading.local()


def follow(release_ids):
    """Index these releases now, or at the end of the enclosing ``indexing_together()``."""
    pending = getattr(_together, "pending", None)
    if pending is not None:
        pending.update(release_ids)
    elif release_ids:
        index_releases(release_ids)


@contextmanager
def indexing_together():
    """Index the releases that saves inside this block change once, when it ends.

    Nested blocks join the outermost one. When the block raises, nothing is indexed: its
    transaction is rolled back.
    """
    if getattr(_together, "pending", None) is not None:
        yield
        return
    _together.pending = set()
    try:
        yield
        pending = _together.pending
    finally:
        _together.pending = None
    follow(pending)


def index_missing():
    """Index the releases that have no search document yet (after an upgrade, say)."""
    return index_releases(Release.objects.filter(search_documents__isnull=True))


def index_missing_after_migrate(sender, **kwargs):
    index_missing()


# Searching ----------------------------------------------------------------------------------


def search(queryset, query: str, language: str):
    """The releases of ``queryset`` that match ``query``, best first, for a paginator.

    A sequence of releases, each with its ``rank``. It holds at most ``MAX_RESULTS``:
    when more releases match, the ``MAX_RESULTS`` most recently added of them are ranked,
    so that a common word costs no more than a rare one. See ``SearchResults``.
    """
    terms = query_terms(query, language)
    if not terms:
        return queryset.none()
    return SearchResults(queryset, terms, language)


def matching(terms: list[Term], language: str, prefix: str = ""):
    """A condition on search documents that match every term, and their rank.

    ``prefix`` reaches the documents from another model (``search_documents__``).
    """
    condition = Q(**{f"{prefix}language": language})
    if connection.vendor == "postgresql":
        tsquery = SearchQuery(
            " & ".join(term.tsquery() for term in terms), search_type="raw", config="simple"
        )
        condition &= Q(**{f"{prefix}vector": tsquery})
        return condition, SearchRank(F(f"{prefix}vector"), tsquery)
    rank = Value(0)
    for term in terms:
        found = {
            field: Q(
                *[Q(**{f"{prefix}{field}__contains": needle}) for needle in term.needles()],
                _connector=Q.OR,
            )
            for field in ("title", "lead", "body")
        }
        condition &= found["title"] | found["lead"] | found["body"]
        rank = rank + Case(
            When(found["title"], then=Value(4)),
            When(found["lead"], then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return condition, rank


class SearchResults:
    """The matches of a search, ranked: what ``search()`` returns.

    Ranking takes one query. It starts from the search index (on PostgreSQL the GIN
    index of the documents), takes the matching releases of the queryset, newest first,
    up to ``MAX_RESULTS``, and ranks only those: a word found in every release costs no
    more than a rare one. A page (a slice) is one more query, through the queryset, so
    its ``select_related`` and ``prefetch_related`` apply.
    """

    def __init__(self, queryset, terms: list[Term], language: str):
        self.queryset, self.terms, self.language = queryset, terms, language
        self._ranked = None

    @property
    def ranked(self) -> list[tuple[int, float]]:
        """``(release id, rank)`` of every match kept, best first."""
        if self._ranked is None:
            # One filter() call: every condition on the same document.
            condition, _rank = matching(self.terms, self.language, "search_documents__")
            newest = self.queryset.filter(condition).order_by("-pk").values("pk")
            _condition, rank = matching(self.terms, self.language)
            self._ranked = list(
                SearchDocument.objects.filter(
                    language=self.language, release__in=newest[:MAX_RESULTS]
                )
                .annotate(rank=rank)
                .order_by("-rank", "-release__published_at", "-release_id")
                .values_list("release_id", "rank")
            )
        return self._ranked

    def __len__(self):
        return len(self.ranked)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        page = self.ranked[index]
        found = self.queryset.filter(pk__in=[pk for pk, _rank in page]).in_bulk()
        releases = []
        for pk, rank in page:
            if pk in found:  # unless it stopped matching in between
                found[pk].rank = rank
                releases.append(found[pk])
        return releases


def snippet(release, query: str, language: str, width: int = 240) -> str:
    """A passage of the release around the first match, with the matches in <mark>."""
    terms = query_terms(query, language)
    passages = [localized(release, "lead", language) or ""] + [
        # Stored paragraphs are HTML: back to plain text, then escaped once when marked.
        html.unescape(TAG_RE.sub("", localized(b, "text", language) or ""))
        for b in release.blocks.all()
    ]
    for passage in passages:
        marked, found = highlight(passage, terms, language)
        if found:
            return shorten(marked, passage, width)
    return escape(passages[0][:width])


def highlight(text: str, terms: list[Term], language: str):
    """``text`` escaped, with each word that a term matches in <mark>; and whether any did.

    A word is marked exactly when the search would match it: by its lemmas.
    """
    exact = {lemma for term in terms if not term.prefix for lemma in term.lemmas}
    stems = tuple(lemma for term in terms if term.prefix for lemma in term.lemmas)
    parts, found, position = [], False, 0
    for match in WORD_RE.finditer(text):
        word_lemmas = lemmas(match.group().casefold(), language)
        # What Term.matches() says for any of the terms, without a call per term.
        if not exact.isdisjoint(word_lemmas) or (
            stems and any(lemma.startswith(stems) for lemma in word_lemmas)
        ):
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
