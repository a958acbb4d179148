"""Videos in a release: a YouTube address read to a video id and refused otherwise, a
poster that loads nothing from YouTube until the reader asks, the one frame source the
Content-Security-Policy allows, the admin's field, import and export."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from releases.interchange import Importer, ImportFailed
from releases.models import Block, PreviewLink, Release
from releases.search import search
from releases.video import youtube_id

from .factories import (
    add_paragraph,
    add_photo_block,
    add_video,
    make_photo,
    make_release,
    make_stored_photo,
    written_by,
)
from .helpers import (
    assert_accessible,
    browser_tab,
    change_url,
    client_for,
    form_data,
    management,
    release_form,
    soup_of,
)
from .test_public_pages import count_queries

pytestmark = pytest.mark.django_db

VIDEO_ID = "dQw4w9WgXcQ"
EMBED = f"https://www.youtube-nocookie.com/embed/{VIDEO_ID}?autoplay=1"
WATCH = f"https://www.youtube.com/watch?v={VIDEO_ID}"


def url_in(obj, lang, method="get_absolute_url"):
    with translation.override(lang):
        return getattr(obj, method)()


@pytest.fixture
def with_video(db):
    """A public release with a paragraph, a video with a library poster and one without."""
    release = make_release(title_uk="Реліз з відео", title_en="A release with a video")
    add_paragraph(release)
    add_video(release, poster=make_stored_photo("vid-0001"))
    add_video(release, uk="Друге відео", en="Second video")
    return release


# Reading the address ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        f"https://www.youtube.com/watch?v={VIDEO_ID}",
        f"https://www.youtube.com/watch?v={VIDEO_ID}&t=42s",
        f"https://www.youtube.com/watch?feature=share&v={VIDEO_ID}&list=PLx",
        f"http://youtube.com/watch?v={VIDEO_ID}",
        f"https://m.youtube.com/watch?v={VIDEO_ID}",
        f"https://WWW.YouTube.com/watch?v={VIDEO_ID}",
        f"https://youtu.be/{VIDEO_ID}",
        f"https://youtu.be/{VIDEO_ID}?si=abc",
        f"youtu.be/{VIDEO_ID}",
        f"www.youtube.com/watch?v={VIDEO_ID}",
        f"https://www.youtube.com/embed/{VIDEO_ID}",
        f"https://www.youtube-nocookie.com/embed/{VIDEO_ID}?autoplay=1",
        f"https://www.youtube.com/shorts/{VIDEO_ID}",
        f"https://www.youtube.com/live/{VIDEO_ID}/",
        f"  https://youtu.be/{VIDEO_ID}\n",
    ],
)
def test_every_usual_youtube_address_gives_the_video_id(address):
    assert youtube_id(address) == VIDEO_ID


@pytest.mark.parametrize(
    ("address", "code"),
    [
        (f"https://vimeo.com/{VIDEO_ID}", "not_youtube"),
        (f"https://www.youtube.com.evil.example/watch?v={VIDEO_ID}", "not_youtube"),
        (f"https://evilyoutube.com/watch?v={VIDEO_ID}", "not_youtube"),
        (f"https://www.youtube.com@evil.example/watch?v={VIDEO_ID}", "not_youtube"),
        (f"https://www.youtube.com:8443/watch?v={VIDEO_ID}", "not_youtube"),
        (f"https://i.ytimg.com/vi/{VIDEO_ID}/hqdefault.jpg", "not_youtube"),
        (f"ftp://www.youtube.com/watch?v={VIDEO_ID}", "not_youtube"),
        ("javascript:alert(document.cookie)", "not_youtube"),
        (f"JavaScript://www.youtube.com/watch?v={VIDEO_ID}%0aalert(1)", "not_youtube"),
        ("data:text/html,<script>alert(1)</script>", "not_youtube"),
        (f"https://www.youtube.com/channel/{VIDEO_ID}", "not_youtube"),
        ("https://www.youtube.com/watch", "not_youtube"),
        ("https://www.youtube.com/playlist?list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI", "playlist"),
        ("https://www.youtube.com/watch?list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI", "playlist"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXc", "bad_id"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQQ", "bad_id"),
        ('https://www.youtube.com/watch?v=dQw4w9"><svg', "bad_id"),
        ("https://youtu.be/dQw4w9WgX%3C", "bad_id"),
        ("https://www.youtube.com/embed/dQw4w9WgXc!", "bad_id"),
        ("https://youtu.be/../../etc/pa", "bad_id"),
        (f"https://www.youtube.com/watch?v={VIDEO_ID}&x={'a' * 600}", "too_long"),
    ],
)
def test_anything_but_a_youtube_video_is_refused(address, code):
    with pytest.raises(ValidationError) as refused:
        youtube_id(address)
    assert refused.value.code == code


# The admin's field --------------------------------------------------------------------------


def video_form(address, **values):
    return release_form(
        **management("blocks", total=1),
        **{
            "blocks-0-position": "1",
            "blocks-0-kind": "video",
            "blocks-0-text_uk": "Відео <b>зустрічі</b>",
            "blocks-0-text_en": "Video of the   meeting",
            "blocks-0-video_id": address,
            **values,
        },
    )


def test_a_press_officer_adds_a_video_by_pasting_its_address(press_officer):
    poster = make_photo()
    data = video_form(f"https://youtu.be/{VIDEO_ID}?t=3", **{"blocks-0-photo": str(poster.pk)})
    response = press_officer.post("/admin/releases/release/add/", data)
    assert response.status_code == 302, soup_of(response).find_all(class_="errorlist")
    block = Release.objects.get().blocks.get()
    assert (block.kind, block.video_id, block.photo) == ("video", VIDEO_ID, poster)
    # The title is kept as one line of plain text.
    assert (block.text_uk, block.text_en) == ("Відео зустрічі", "Video of the meeting")

    page = soup_of(press_officer.get(f"/admin/releases/release/{block.release_id}/change/"))
    field = page.find("input", attrs={"name": "blocks-0-video_id"})
    assert field["value"] == WATCH
    assert not field.has_attr("maxlength")


HOSTILE = [
    ("javascript:alert(1)", "Вставте адресу відео на YouTube", "Paste the address of a video on"),
    ("data:text/html;base64,PHNjcmlwdD4=", "Вставте адресу відео на YouTube", "video on YouTube"),
    (f"https://vimeo.com/{VIDEO_ID}", "Вставте адресу відео на YouTube", "video on YouTube"),
    ("https://www.youtube.com/playlist?list=PL1234567890", "адреса добірки", "a playlist"),
    ("https://youtu.be/<script>", "не веде до відео на YouTube", "does not name a YouTube video"),
    ("https://youtu.be/" + "x" * 600, "задовга", "too long"),
]


@pytest.mark.parametrize(("address", "uk", "en"), HOSTILE)
@pytest.mark.parametrize("lang", ["uk", "en"])
def test_a_hostile_address_is_refused_at_the_field_in_the_users_language(
    press_officer, address, uk, en, lang
):
    prefix = "/en" if lang == "en" else ""
    response = press_officer.post(f"{prefix}/admin/releases/release/add/", video_form(address))
    assert response.status_code == 200
    soup = soup_of(response)
    error = soup.find(id="id_blocks-0-video_id_error")
    assert error is not None, soup.find_all(class_="errorlist")
    assert {"uk": uk, "en": en}[lang] in error.get_text(" ", strip=True)
    assert len(error.find_all("li")) == 1  # the field's reason, not also "paste an address"
    # What was typed stays in the field, to be corrected, and is not markup on the page.
    assert soup.find("input", attrs={"name": "blocks-0-video_id"})["value"] == address
    assert "<script>" not in response.content.decode().split('name="blocks-0-video_id"')[1][:800]
    assert not Release.objects.exists()


def test_a_translator_translates_a_videos_title_but_cannot_change_the_video(people):
    release = written_by(people["officer"], source_language="uk")
    block = add_video(release, en="")
    translator = client_for(people["translator"])
    page = soup_of(translator.get(change_url(release)))
    assert page.find("input", attrs={"name": "blocks-1-video_id"}) is None
    assert VIDEO_ID in page.select_one("#blocks-1 .fieldBox.field-video_id").get_text()
    data = form_data(
        translator,
        change_url(release),
        **{
            "blocks-1-text_en": "The meeting on video",
            "blocks-1-video_id": "https://youtu.be/aaaaaaaaaaa",
        },
    )
    assert translator.post(change_url(release), data).status_code == 302
    block.refresh_from_db()
    assert (block.text_en, block.video_id) == ("The meeting on video", VIDEO_ID)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"blocks-0-video_id": ""}, "video_id", "Вставте адресу відео на YouTube."),
        (
            {"blocks-0-text_uk": "", "blocks-0-text_en": ""},
            "text_uk",
            "Дайте відео назву хоча б однією мовою.",
        ),
        ({"blocks-0-text_en": "ж" * 301}, "text_en", "не більше ніж 300 символів"),
    ],
)
def test_a_video_needs_its_address_and_a_title(press_officer, values, field, message):
    data = video_form(WATCH, **values)
    response = press_officer.post("/admin/releases/release/add/", data)
    assert response.status_code == 200
    assert message in soup_of(response).find(id=f"id_blocks-0-{field}_error").get_text()


def test_the_database_refuses_a_video_without_its_id(db):
    from django.db import IntegrityError, transaction

    release = make_release()
    with pytest.raises(IntegrityError), transaction.atomic():
        Block.objects.create(release=release, kind="video", text_uk="Відео", position=1)


def test_another_kind_of_block_keeps_no_video_id(db):
    release = make_release()
    block = add_video(release)
    block.kind = Block.Kind.PARAGRAPH
    block.save()
    block.refresh_from_db()
    assert block.video_id == "" and block.photo is None


# Completeness, search, the editors' queue ---------------------------------------------------


def test_a_video_without_a_title_in_a_language_keeps_the_release_out_of_it(db):
    release = make_release()
    add_paragraph(release)
    block = add_video(release, en="")
    release.refresh_from_db()
    assert release.is_complete_in("uk") and not release.is_complete_in("en")
    block.text_en = "Video"
    block.save()
    release.refresh_from_db()
    assert release.is_complete_in("en")


def test_a_videos_poster_needs_no_alt_text_it_is_decorative(db):
    release = make_release()
    add_video(release, poster=make_photo(alt_en=""))
    release.refresh_from_db()
    assert release.is_complete_in("en")


def test_a_videos_title_is_found_by_search(with_video):
    assert list(search(Release.objects.public("en"), "meeting", "en")) == [with_video]
    assert list(search(Release.objects.public("uk"), "зустріч", "uk")) == [with_video]


def test_a_video_alone_is_not_a_body_an_editor_reviews(db):
    from releases import workflow

    release = make_release(published=False)
    errors = workflow.body_errors("submit", release, [add_video(release)])
    assert errors and "абзац або цитату" in str(errors[0])


# The public page: nothing from YouTube until asked -------------------------------------------


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_without_javascript_a_video_is_a_link_to_youtube_saying_so(client, with_video, lang):
    response = client.get(url_in(with_video, lang))
    soup = soup_of(response)
    figures = soup.select(".release__body figure.video")
    assert len(figures) == 2
    first = figures[0]
    link = first.find("a", class_="video__poster")
    assert link["href"] == WATCH
    says = {"uk": "Дивитися відео на YouTube", "en": "Watch the video on YouTube"}[lang]
    opens = {"uk": "Відкриває youtube.com.", "en": "Opens youtube.com."}[lang]
    assert link.find(class_="video__action").get_text(strip=True) == says
    assert link.find(class_="video__note").get_text(strip=True) == opens
    title = {"uk": "Відео зустрічі", "en": "Video of the meeting"}[lang]
    assert first.figcaption.get_text(strip=True) == title
    assert link["aria-describedby"] == first.figcaption["id"]
    assert first["data-embed"] == EMBED
    assert first["data-title"] == title
    # The poster is one of our renditions, described by the link rather than alt text.
    poster = link.find("img")
    assert urlsplit(poster["src"]).path.startswith("/renditions/vid-0001/")
    assert poster["alt"] == ""
    assert figures[1].find("img") is None
    # Nothing on the page is fetched from YouTube: no frame, no image, no script.
    html = response.content.decode()
    assert "<iframe" not in html and "ytimg" not in html
    fetched = [tag.get("src", "") for tag in soup.find_all(["img", "script", "iframe"])]
    fetched += [tag.get("srcset", "") for tag in soup.find_all(["img", "source"])]
    assert not any("youtube" in value for value in fetched)
    scripts = [urlsplit(s["src"]).path for s in soup.find_all("script", src=True)]
    assert scripts[-1] == "/static/js/video.js"


def test_a_hostile_video_title_is_escaped_everywhere(client, db):
    release = make_release()
    add_video(release, uk='Відео "><script>alert(1)</script>', en="<img src=x onerror=alert(1)>")
    block = release.blocks.get()
    assert block.text_uk == 'Відео ">alert(1)'  # markup does not survive the save
    assert block.text_en == ""
    Block.objects.filter(pk=block.pk).update(text_en='"><script>x</script>')  # as if it had
    release.refresh_completeness()
    html = client.get(url_in(release, "en")).content.decode()
    assert "<script>x" not in html
    assert 'data-title="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


def test_a_preview_link_shows_a_drafts_video_with_its_poster_to_the_links_holder(client, db):
    draft = make_release(published=False)
    add_video(draft, poster=make_stored_photo("vid-0900"))
    link = PreviewLink.objects.create(release=draft, expires_at=timezone.now() + timedelta(days=1))
    soup = soup_of(client.get(link.get_absolute_url()))
    poster = soup.select_one("figure.video img")
    assert "preview=" in poster["src"]  # the link's token, which lets its holder see it
    assert client.get(poster["src"]).status_code == 200
    assert soup.select_one("figure.video a")["href"] == WATCH


def test_the_content_security_policy_allows_exactly_the_nocookie_player(client, with_video):
    policy = client.get(url_in(with_video, "uk"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["frame-src"] == "https://www.youtube-nocookie.com"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "youtube" not in policy.replace(directives["frame-src"], "")


def test_the_parallel_view_shows_a_video_in_both_columns(client, with_video):
    soup = soup_of(client.get(url_in(with_video, "uk", "get_parallel_url")))
    cells = soup.select(".parallel__row:not(.parallel__row--head)")[1].select(".parallel__cell")
    assert [c["lang"] for c in cells] == ["uk", "en"]
    assert [c.figcaption.get_text(strip=True) for c in cells] == [
        "Відео зустрічі",
        "Video of the meeting",
    ]
    assert [c.find(class_="video__action").get_text(strip=True) for c in cells] == [
        "Дивитися відео на YouTube",
        "Watch the video on YouTube",
    ]
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    scripts = [urlsplit(s["src"]).path for s in soup.find_all("script", src=True)]
    assert "/static/js/video.js" in scripts


def test_a_release_page_with_many_photos_and_videos_costs_a_fixed_number_of_queries(client):
    def release_with(count):
        release = make_release(hero_photo=make_photo())
        for _ in range(count):
            add_paragraph(release)
            add_photo_block(release, make_photo())
            add_video(release, poster=make_photo())
            add_video(release)
        return release

    small = count_queries(client, url_in(release_with(1), "en"))
    large = count_queries(client, url_in(release_with(15), "en"))
    parallel = [
        count_queries(client, url_in(release_with(n), "uk", "get_parallel_url")) for n in (1, 15)
    ]
    assert small == large <= 8
    assert parallel[0] == parallel[1] <= 8


# Import and export ---------------------------------------------------------------------------


def test_export_writes_a_video_with_its_id_title_and_poster_and_import_restores_it(
    with_video, tmp_path, settings
):
    call_command("export_releases", tmp_path / "out", verbosity=0)
    data = json.loads((tmp_path / "out" / "releases.json").read_text(encoding="utf-8"))
    body = next(r for r in data["releases"] if r["key"] == with_video.key)["body"]
    assert body[1:] == [
        {
            "type": "video",
            "text": {"uk": "Відео зустрічі", "en": "Video of the meeting"},
            "youtube_id": VIDEO_ID,
            "photo": "vid-0001",
        },
        {
            "type": "video",
            "text": {"uk": "Друге відео", "en": "Second video"},
            "youtube_id": VIDEO_ID,
            "photo": None,
        },
    ]
    Release.objects.all().delete()
    Block.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "media-after"
    call_command("import_releases", tmp_path / "out" / "releases.json", verbosity=0)
    release = Release.objects.get(key=with_video.key)
    videos = [(b.video_id, b.text_en, b.photo and b.photo.code) for b in release.blocks.all()]
    assert videos[1:] == [
        (VIDEO_ID, "Video of the meeting", "vid-0001"),
        (VIDEO_ID, "Second video", None),
    ]
    assert release.is_complete_in("uk") and release.is_complete_in("en")


@pytest.mark.parametrize(
    ("block", "error"),
    [
        (
            {"type": "video", "youtube_id": WATCH, "text": {"uk": "Відео"}},
            "releases[0].body[0].youtube_id: a video needs the id of a YouTube video",
        ),
        (
            {"type": "video", "youtube_id": "javascript:a", "text": {"uk": "Відео"}},
            "releases[0].body[0].youtube_id: a video needs the id of a YouTube video",
        ),
        (
            {"type": "video", "text": {"uk": "Відео"}},
            "releases[0].body[0].youtube_id: a video needs the id of a YouTube video",
        ),
        (
            {"type": "video", "youtube_id": VIDEO_ID, "text": {"uk": "Відео"}, "photo": "no-1"},
            'releases[0].body[0].photo: unknown photo code "no-1"',
        ),
        (
            {"type": "video", "youtube_id": VIDEO_ID},
            "releases[0].body[0].text",
        ),
        (
            {"type": "audio", "src": "https://example.org/a.mp3"},
            'releases[0].body[0].type: unknown block type "audio"',
        ),
    ],
)
def test_import_refuses_a_video_it_cannot_trust_and_any_unknown_kind(tmp_path, block, error):
    document = {
        "format": "mod-press/1",
        "releases": [
            {
                "key": "with-video",
                "status": "draft",
                "title": {"uk": "Реліз"},
                "lead": {"uk": "Лід."},
                "body": [block],
            }
        ],
    }
    path = tmp_path / "releases.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        Importer(path).run()
    assert any(e.startswith(error) for e in failure.value.errors), failure.value.errors
    assert not Release.objects.exists()


# In a real browser ----------------------------------------------------------------------------


def youtube_requests(requests):
    return [u for u in requests if any(h in urlsplit(u).netloc for h in ("youtube", "ytimg"))]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["uk", "en"])
def test_nothing_is_requested_from_youtube_until_the_reader_clicks_the_poster(
    browser, live_server, with_video, lang
):
    with browser_tab(browser) as tab:
        # The player itself is not loaded from the test machine: the request is what counts.
        tab.route("**/*youtube*/**", lambda route: route.fulfill(status=204, body=""))
        requests = []
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(live_server.url + url_in(with_video, lang))
        tab.locator(".video__poster img").first.scroll_into_view_if_needed()
        tab.wait_for_load_state("networkidle")
        assert requests and youtube_requests(requests) == []
        play = {"uk": "Відтворити відео", "en": "Play the video"}[lang]
        buttons = tab.get_by_role("button", name=play)
        assert buttons.count() == 2
        assert tab.locator("a.video__poster").count() == 0
        assert_accessible(tab)

        buttons.first.click()
        frame = tab.locator("iframe.video__frame")
        frame.wait_for()
        assert frame.get_attribute("src") == EMBED
        title = {"uk": "Відео зустрічі", "en": "Video of the meeting"}[lang]
        assert frame.get_attribute("title") == title
        # The site sends no referrer elsewhere (same-origin); the player is told the origin.
        assert frame.get_attribute("referrerpolicy") == "strict-origin-when-cross-origin"
        tab.wait_for_function("document.activeElement.tagName === 'IFRAME'")
        tab.wait_for_timeout(300)
        assert youtube_requests(requests) == [EMBED]
        assert buttons.count() == 1  # the other video still waits for its own click


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_poster_stays_a_link_to_youtube(browser, live_server, with_video):
    url = live_server.url + url_in(with_video, "en")
    with browser_tab(browser, java_script_enabled=False) as tab:
        requests = []
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(url)
        link = tab.get_by_role("link", name="Watch the video on YouTube Opens youtube.com.").first
        assert link.get_attribute("href") == WATCH
        assert tab.locator("iframe").count() == 0
        tab.wait_for_load_state("networkidle")
        assert youtube_requests(requests) == []
    with browser_tab(browser, own_scripts=False) as tab:
        tab.goto(url)
        assert tab.locator("a.video__poster").count() == 2
        assert_accessible(tab)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_block_editor_offers_a_videos_own_fields_and_refuses_a_hostile_address(
    browser, live_server
):
    from releases.roles import PRESS_OFFICER, ensure_roles

    from .factories import make_user

    ensure_roles()  # a transactional test starts without the groups migrate made
    make_user("officer", PRESS_OFFICER)
    with browser_tab(browser, viewport={"width": 1280, "height": 900}) as tab:
        tab.goto(live_server.url + "/admin/login/")
        tab.fill("#id_username", "officer")
        tab.fill("#id_password", "pw")
        with tab.expect_navigation():
            tab.click("input[type=submit]")
        tab.goto(live_server.url + "/admin/releases/release/add/")
        for name, value in release_form().items():
            if name.startswith(("title_", "lead_")):
                tab.fill(f"[name={name}]", value)
        tab.locator(".press-blocks .add-row a").click()
        tab.select_option("[name=blocks-0-kind]", "video")
        block = tab.locator("#blocks-0")
        assert block.locator("[name=blocks-0-video_id]").is_visible()
        assert block.locator("[name=blocks-0-photo]").count() == 1
        assert not block.locator(".fieldBox.field-official").is_visible()
        assert block.locator(".ProseMirror").count() == 0  # a title is plain text
        tab.fill("[name=blocks-0-text_uk]", "Відео зустрічі")
        tab.fill("[name=blocks-0-text_en]", "Video of the meeting")
        tab.fill("[name=blocks-0-video_id]", "javascript:alert(1)")
        with tab.expect_navigation():
            tab.click("input[name=_continue]")
        error = tab.locator("#id_blocks-0-video_id_error")
        assert "Вставте адресу відео на YouTube" in error.inner_text()
        assert tab.locator("#blocks-0 [name=blocks-0-video_id]").is_visible()

        tab.fill("[name=blocks-0-video_id]", f"https://youtu.be/{VIDEO_ID}")
        with tab.expect_navigation():
            tab.click("input[name=_continue]")
        block = Release.objects.get().blocks.get()
        assert (block.kind, block.video_id, block.text_en) == (
            "video",
            VIDEO_ID,
            "Video of the meeting",
        )
        assert tab.locator("[name=blocks-0-video_id]").input_value() == WATCH
