"""The press officer's desk: the form in writing order, validation before review, each
role's dashboard and counts, tags made from the release form, and the live preview."""

from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from releases import workflow
from releases.models import AuditEvent, Block, Release, Tag
from releases.roles import EDITOR, PRESS_OFFICER, TRANSLATOR

from .factories import add_paragraph, add_photo_block, make_photo, make_release
from .helpers import field_errors, form_data, soup_of

pytestmark = pytest.mark.django_db


def make_user(name, role):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer():
    return make_user("officer", PRESS_OFFICER)


@pytest.fixture
def editor():
    return make_user("editor", EDITOR)


@pytest.fixture
def translator():
    return make_user("translator", TRANSLATOR)


def body_errors(response):
    group = soup_of(response).find(id="blocks-group")
    return " ".join(
        e.get_text(" ", strip=True) for e in group.find_all(class_="errorlist", recursive=True)
    )


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def new_release(transition="", blocks=(), **values):
    """What the add form sends: ``blocks`` as (kind, uk, en) triples."""
    data = {
        "title_uk": "",
        "title_en": "",
        "lead_uk": "",
        "lead_en": "",
        "source_language": "uk",
        "transition": transition,
        "published_at_0": "",
        "published_at_1": "",
        **management("blocks", total=len(blocks)),
    }
    for n, (kind, uk, en) in enumerate(blocks):
        data.update(
            {
                f"blocks-{n}-position": str(n + 1),
                f"blocks-{n}-kind": kind,
                f"blocks-{n}-text_uk": uk,
                f"blocks-{n}-text_en": en,
            }
        )
    data.update(values)
    return data


# Validation before review ---------------------------------------------------------------


def test_workflow_refuses_to_submit_a_release_without_title_lead_or_body(officer):
    release = make_release(published=False, title_uk="", lead_uk="", created_by=officer)
    with pytest.raises(ValidationError) as refused:
        workflow.apply(release, "submit", officer)
    assert set(refused.value.message_dict) == {"title_uk", "lead_uk", workflow.BODY}
    assert release.status == Release.Status.DRAFT


def test_workflow_checks_the_original_language_not_the_translation(officer):
    release = make_release(
        published=False, languages=("en",), source_language="en", created_by=officer
    )
    add_paragraph(release, uk="", en="Written in English.")
    workflow.apply(release, "submit", officer)
    assert release.status == Release.Status.IN_REVIEW

    other = make_release(published=False, languages=("uk",), source_language="en")
    add_paragraph(other, uk="Лише українською.", en="")
    with pytest.raises(ValidationError) as refused:
        workflow.apply(other, "submit", officer)
    assert set(refused.value.message_dict) == {"title_en", "lead_en", workflow.BODY}


def test_a_body_of_photos_alone_is_not_enough_for_review(officer):
    release = make_release(published=False, created_by=officer)
    add_photo_block(release, make_photo())
    with pytest.raises(ValidationError) as refused:
        workflow.apply(release, "submit", officer)
    assert set(refused.value.message_dict) == {workflow.BODY}


def test_empty_release_sent_for_review_in_the_admin_is_refused_on_its_fields(officer):
    client = client_for(officer)
    response = client.post(
        "/admin/releases/release/add/",
        new_release("submit", title_en="Only the English title"),
    )
    assert response.status_code == 200
    assert not Release.objects.exists()
    assert "потребує заголовка" in field_errors(response, "title_uk")
    assert "потребує ліду" in field_errors(response, "lead_uk")
    assert "хоча б один абзац або цитату" in body_errors(response)
    # What was typed stays in the form.
    assert "Only the English title" in soup_of(response).find(attrs={"name": "title_en"}).text


def test_the_refusal_is_in_english_in_the_english_admin(officer):
    client = client_for(officer)
    response = client.post("/en/admin/releases/release/add/", new_release("submit"))
    assert "needs a title in its original language" in field_errors(response, "title_uk")
    assert "at least one paragraph or quote" in body_errors(response)


def test_removing_the_only_paragraph_while_sending_for_review_is_refused(officer):
    release = make_release(published=False, created_by=officer)
    block = add_paragraph(release)
    data = new_release(
        "submit",
        title_uk=release.title_uk,
        lead_uk=release.lead_uk,
        loaded_edit_version=str(release.edit_version),
        **management("blocks", total=1, initial=1),
        **{
            "blocks-0-id": str(block.pk),
            "blocks-0-release": str(release.pk),
            "blocks-0-position": "1",
            "blocks-0-kind": "paragraph",
            "blocks-0-text_uk": block.text_uk,
            "blocks-0-text_en": block.text_en,
            "blocks-0-DELETE": "on",
        },
    )
    response = client_for(officer).post(f"/admin/releases/release/{release.pk}/change/", data)
    assert response.status_code == 200
    assert "хоча б один абзац або цитату" in body_errors(response)
    release.refresh_from_db()
    assert release.status == Release.Status.DRAFT
    assert release.blocks.count() == 1


def test_a_release_written_in_one_save_is_sent_for_review(officer):
    response = client_for(officer).post(
        "/admin/releases/release/add/",
        new_release(
            "submit",
            title_uk="Назва",
            lead_uk="Лід.",
            blocks=[("paragraph", "Перший абзац.", "")],
        ),
    )
    assert response.status_code == 302, soup_of(response).find_all(class_="errorlist")
    release = Release.objects.get()
    assert release.status == Release.Status.IN_REVIEW
    assert release.blocks.get().text_uk == "Перший абзац."


def test_a_draft_saved_without_sending_may_be_empty(officer):
    response = client_for(officer).post("/admin/releases/release/add/", new_release())
    assert response.status_code == 302
    assert Release.objects.get().status == Release.Status.DRAFT


def test_a_title_is_one_line_whatever_was_pasted(officer):
    client_for(officer).post(
        "/admin/releases/release/add/", new_release(title_uk="Довга\r\nназва  з\nрядками")
    )
    assert Release.objects.get().title_uk == "Довга назва з рядками"


# The form in the order a release is written ---------------------------------------------


@pytest.mark.parametrize("role", ["officer", "editor"])
def test_the_form_runs_titles_leads_body_material_publication_then_folded_addresses(role, request):
    user = request.getfixturevalue(role)
    release = make_release(published=False, created_by=user)
    add_paragraph(release)
    html = client_for(user).get(f"/admin/releases/release/{release.pk}/change/").content.decode()
    order = [
        'name="title_uk"',
        'name="lead_uk"',
        'id="blocks-group"',
        'name="hero_photo"',
        'name="tags"',
        'name="transition"',
        'name="slug_uk"',
        "field-created_by",
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    soup = BeautifulSoup(html, "html.parser")
    for field in ("slug_uk", "created_by"):
        assert soup.find(class_=f"field-{field}").find_parent("details") is not None
    assert soup.find(class_="field-title_uk").find_parent("details") is None


def test_titles_are_boxes_that_wrap_holding_the_whole_limit(officer):
    soup = soup_of(client_for(officer).get("/admin/releases/release/add/"))
    for lang in ("uk", "en"):
        box = soup.find(attrs={"name": f"title_{lang}"})
        assert box.name == "textarea"
        assert box["maxlength"] == "300"


# The release list -------------------------------------------------------------------------


def test_release_list_puts_work_in_review_first_and_marks_it(editor):
    # Sent for review before the draft was started: still first.
    make_release(published=False, title_uk="На розгляді", status=Release.Status.IN_REVIEW)
    make_release(published=False, title_uk="Чернетка")
    make_release(title_uk="Опублікований")
    soup = soup_of(client_for(editor).get("/admin/releases/release/"))
    rows = soup.find(id="result_list").find("tbody").find_all("tr")
    assert [r.find(class_="field-__str__").get_text(strip=True) for r in rows] == [
        "На розгляді",
        "Чернетка",
        "Опублікований",
    ]
    mark = rows[0].find(class_="press-status--in_review")
    assert mark is not None and mark.get_text(strip=True) == "На розгляді"


# Dashboards -------------------------------------------------------------------------------


def submit(release, user, when):
    """Send ``release`` for review as ``user`` at ``when``, as the admin does."""
    release.refresh_from_db()
    workflow.apply(release, "submit", user, now=when)
    release.save()
    AuditEvent.objects.filter(object_id=str(release.pk), action="submit").update(time=when)


def test_editor_desk_lists_work_awaiting_review_oldest_first_with_sender_in_kyiv_time(
    editor, officer
):
    newer = make_release(published=False, title_uk="Новіший", created_by=officer)
    older = make_release(published=False, title_uk="Старіший", created_by=officer)
    for release in (newer, older):
        add_paragraph(release)
    submit(newer, officer, datetime(2025, 3, 2, 8, 0, tzinfo=UTC))
    submit(older, officer, datetime(2025, 3, 1, 20, 30, tzinfo=UTC))
    make_release(
        published=False,
        title_uk="Заплановано",
        status=Release.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )
    soup = soup_of(client_for(editor).get("/admin/"))
    awaiting = soup.find(id="desk-awaiting").find_parent("section")
    rows = awaiting.find("tbody").find_all("tr")
    assert [r.th.get_text(strip=True) for r in rows] == ["Старіший", "Новіший"]
    cells = [td.get_text(strip=True) for td in rows[0].find_all("td")]
    # 20:30 UTC on 1 March is 22:30 in Kyiv (winter time).
    assert cells == ["officer", "1 березня 2025, 22:30"]
    scheduled = soup.find(id="desk-scheduled").find_parent("section")
    assert "Заплановано" in scheduled.get_text()


def test_officer_desk_shows_own_drafts_and_those_sent_back_with_the_comment(officer, editor):
    make_release(published=False, title_uk="Моя чернетка", created_by=officer)
    make_release(
        published=False,
        title_uk="Повернений",
        created_by=officer,
        review_comment="Додайте <b>цитату</b> міністра.",
    )
    make_release(published=False, title_uk="Чужа чернетка", created_by=editor)
    response = client_for(officer).get("/admin/")
    soup = soup_of(response)
    returned = soup.find(id="desk-returned").find_parent("section")
    assert "Повернений" in returned.get_text()
    assert "Додайте <b>цитату</b> міністра." in returned.get_text()  # escaped, not markup
    drafts = soup.find(id="desk-drafts").find_parent("section")
    assert "Моя чернетка" in drafts.get_text()
    assert "Чужа чернетка" not in soup.get_text()
    assert "(1 повернуто вам)" in soup.find(class_="model-release").get_text(" ", strip=True)


def test_translator_desk_is_the_worklist(translator):
    make_release(languages=("uk",), title_uk="Без перекладу")
    soup = soup_of(client_for(translator).get("/admin/"))
    worklist = soup.find(id="desk-worklist").find_parent("section")
    assert "Без перекладу" in worklist.get_text()


def test_admin_menu_counts_what_awaits_the_editor(editor):
    for _ in range(3):
        make_release(published=False, status=Release.Status.IN_REVIEW)
    soup = soup_of(client_for(editor).get("/admin/releases/release/"))
    menu = soup.find(id="nav-sidebar").find(class_="model-release")
    assert "(3 очікують на розгляд)" in menu.get_text(" ", strip=True)
    with translation.override("en"):
        soup = soup_of(client_for(editor).get("/en/admin/"))
    assert "(3 awaiting review)" in soup.find(class_="model-release").get_text(" ", strip=True)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["editor", "officer", "translator"])
def test_the_desk_costs_the_same_queries_for_one_release_or_many(role, request, officer):
    user = request.getfixturevalue(role)
    client = client_for(user)

    def add_work():
        make_release(published=False, status=Release.Status.IN_REVIEW, created_by=officer)
        make_release(
            published=False,
            status=Release.Status.SCHEDULED,
            published_at=timezone.now() + timedelta(hours=3),
        )
        make_release(published=False, created_by=user, review_comment="Виправте лід.")
        make_release(languages=("uk",))

    add_work()
    queries_for(client, "/admin/")  # the session and content types settle
    few = queries_for(client, "/admin/")
    for _ in range(4):
        add_work()
    assert queries_for(client, "/admin/") == few


# Tags from the release form --------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "editor"])
def test_tags_can_be_created_from_the_release_form(role, request):
    soup = soup_of(client_for(request.getfixturevalue(role)).get("/admin/releases/release/add/"))
    add = soup.find(id="add_id_tags")
    assert add is not None and add["href"].startswith("/admin/releases/tag/add/")
    assert "_popup=1" in add["href"]


def test_tag_created_in_the_popup_is_named_in_both_languages(officer):
    client = client_for(officer)
    response = client.post(
        "/admin/releases/tag/add/?_to_field=id&_popup=1",
        {"name_uk": "Оборона", "name_en": "Defence", "slug_uk": "", "slug_en": "", "_popup": "1"},
    )
    assert response.status_code == 200
    assert "popup_response" in response.content.decode()
    tag = Tag.objects.get(name_uk="Оборона")
    assert tag.name_en == "Defence"


def test_whoever_may_not_add_tags_gets_no_link_and_is_refused(officer):
    group = Group.objects.get(name=PRESS_OFFICER)
    group.permissions.remove(group.permissions.get(codename="add_tag"))
    client = client_for(get_user_model().objects.get(pk=officer.pk))
    soup = soup_of(client.get("/admin/releases/release/add/"))
    assert soup.find(id="add_id_tags") is None
    assert client.get("/admin/releases/tag/add/?_popup=1").status_code == 403


# Live preview -------------------------------------------------------------------------------


def test_preview_shows_the_unsaved_form_as_the_public_page_and_saves_nothing(officer):
    release = make_release(published=False, created_by=officer, title_uk="Збережена назва")
    add_paragraph(release, uk="Збережений абзац.")
    client = client_for(officer)
    url = f"/admin/releases/release/{release.pk}/change/"
    data = form_data(client, url)
    data.update(
        {
            "title_uk": "Нова назва <script>alert(1)</script>",
            "blocks-0-text_uk": "Новий <strong>абзац</strong><script>x</script>.",
            "transition": "submit",
        }
    )
    versions = release.edit_version
    response = client.post(f"/admin/releases/release/{release.pk}/preview/", data)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    soup = soup_of(response)
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    assert soup.find(class_="preview-banner") is not None
    assert soup.h1.get_text() == "Нова назва <script>alert(1)</script>"
    body = soup.find(class_="release__body")
    assert body.find("strong").get_text() == "абзац"
    assert body.find("script") is None
    release.refresh_from_db()
    assert release.title_uk == "Збережена назва"
    assert release.status == Release.Status.DRAFT
    assert release.edit_version == versions
    assert release.blocks.get().text_uk == "Збережений абзац."


def test_preview_of_a_new_release_in_english_and_side_by_side(officer):
    client = client_for(officer)
    data = new_release(
        title_uk="Українська назва",
        title_en="English title",
        lead_uk="Лід.",
        lead_en="Lead.",
        blocks=[("paragraph", "Абзац.", "Paragraph.")],
    )
    response = client.post(
        "/admin/releases/release/add/preview/", {**data, "_preview_language": "en"}
    )
    soup = soup_of(response)
    assert soup.html["lang"] == "en"
    assert soup.h1.get_text() == "English title"
    response = client.post(
        "/admin/releases/release/add/preview/", {**data, "_preview_language": "both"}
    )
    soup = soup_of(response)
    cells = soup.select(".parallel__row--head .parallel__cell")
    assert [c.h2.get_text(strip=True) for c in cells] == ["Українська назва", "English title"]
    # The banner re-posts the same form to switch language.
    switch = soup.find("form", class_="preview-modes")
    assert switch.find("input", attrs={"name": "title_en"})["value"] == "English title"
    assert not Release.objects.exists()
    assert not Block.objects.exists()


def test_preview_of_a_form_with_errors_lists_them_and_saves_nothing(officer):
    response = client_for(officer).post(
        "/admin/releases/release/add/preview/", new_release(title_uk="x" * 301)
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not Release.objects.exists()


def test_preview_is_checked_on_the_server(officer, editor):
    someone_elses = make_release(published=False, created_by=editor)
    client = client_for(officer)
    url = f"/admin/releases/release/{someone_elses.pk}/preview/"
    assert client.post(url, new_release(title_uk="Чуже")).status_code == 403
    assert client.get(url).status_code == 403
    assert Client().post(url, new_release()).status_code == 302  # to the sign-in page
