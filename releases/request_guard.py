"""Requests with characters no page or form takes get a 400 before anything reads them.

A NUL byte reached PostgreSQL (which refuses it in text) from an address, a query string
or the admin's autocomplete, and answered 500. Rather than guard each view, requests are
checked once, first: the path, every name and value of the query string, and every name
and value of a posted form must be well-formed UTF-8 and free of control characters.
Tab, line feed and carriage return are allowed in values (typed text has them); nothing
else below U+0020, nor DEL, nor a lone surrogate, is. XML 1.0, which the feeds are,
cannot carry those characters either.

Cookies are checked too: Django unquotes escapes in them.

The query string is also bounded (``REQUEST_MAX_QUERY_STRING_LENGTH`` characters and
``REQUEST_MAX_QUERY_PARAMETERS`` parameters): no page takes more than a dozen.
"""

import logging
import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http.multipartparser import MultiPartParserError

# Control characters but tab, line feed and carriage return; DEL; lone surrogates.
FORBIDDEN_IN_VALUES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Names, paths and cookies take no control character at all.
FORBIDDEN_IN_NAMES = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
logger = logging.getLogger(__name__)


class Refused(Exception):
    """The request carries something no view takes."""


def wsgi_bytes(text: str) -> bytes:
    """The bytes a WSGI server received, from the Latin-1 string it passes them as."""
    try:
        return text.encode("iso-8859-1")
    except UnicodeEncodeError:
        # Not a WSGI string (ASGI servers pass text already decoded): take it as it is.
        return text.encode("utf-8", "surrogatepass")


def decoded(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refused("not UTF-8") from error


def check(text: str, pattern=FORBIDDEN_IN_VALUES) -> None:
    if pattern.search(text):
        raise Refused("control character")


def check_urlencoded(raw: bytes, max_fields: int | None = None) -> None:
    """Check each name and value of a query string or a form body, as its bytes say."""
    check(decoded(raw))  # the raw bytes outside the %-escapes, too
    pairs = [pair for pair in raw.split(b"&") if pair]
    if max_fields is not None and len(pairs) > max_fields:
        raise Refused("too many parameters")
    for pair in pairs:
        name, _equals, value = pair.partition(b"=")
        check(decoded(unquote_to_bytes(name.replace(b"+", b" "))), FORBIDDEN_IN_NAMES)
        check(decoded(unquote_to_bytes(value.replace(b"+", b" "))))


def check_path_and_query(request) -> None:
    # Django gives the path decoded, with each byte that is not UTF-8 %-escaped again
    # ("/%FF/"): undoing the escapes finds them. No address of the site has a "%" of its
    # own, so one that decodes to something odd is refused too.
    check(decoded(unquote_to_bytes(request.path_info)), FORBIDDEN_IN_NAMES)
    query = wsgi_bytes(request.META.get("QUERY_STRING", ""))
    if len(query) > settings.REQUEST_MAX_QUERY_STRING_LENGTH:
        raise Refused("query string too long")
    check_urlencoded(query, settings.REQUEST_MAX_QUERY_PARAMETERS)


def check_cookies(request) -> None:
    # Django unquotes octal escapes in a quoted cookie ("\000"): a session key can hold
    # a NUL without one on the wire.
    for name, value in request.COOKIES.items():
        check(name, FORBIDDEN_IN_NAMES)
        check(value, FORBIDDEN_IN_NAMES)


def check_form(request) -> None:
    if request.content_type == "application/x-www-form-urlencoded":
        # The raw body, before Django's parser turns undecodable bytes into U+FFFD.
        check_urlencoded(request.body)
        return
    try:
        fields, files = request.POST, request.FILES
    except MultiPartParserError as error:
        raise Refused("malformed multipart body") from error
    for name, values in fields.lists():
        check(name, FORBIDDEN_IN_NAMES)
        for value in values:
            check(value)
    # File names need no check: Django's parser drops what is not printable from them.
    for name in files:
        check(name, FORBIDDEN_IN_NAMES)


class RequestGuardMiddleware:
    """Answer 400, with the site's page in the address's language, to what is refused.

    It comes early in ``MIDDLEWARE``: nothing behind it (the page cache, sessions, views)
    sees such a request. Forms are read in ``process_view``, as the CSRF middleware does;
    a view exempt from CSRF reads its own body (e.g. to choose its upload handlers).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_path_and_query(request)
            check_cookies(request)
        except Refused as refused:
            return self.refuse(request, refused)
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method != "POST" or request.content_type not in FORM_TYPES:
            return None
        if getattr(view, "csrf_exempt", False):
            return None
        try:
            check_form(request)
        except Refused as refused:
            return self.refuse(request, refused)
        return None

    def refuse(self, request, refused):
        from releases.views import bad_request

        # %r: the path itself may hold the line breaks that would forge a log line.
        logger.warning("Refused %s %r: %s", request.method, request.path, refused)
        return bad_request(request)
