"""The editorial workflow, driven through real HTTP requests to the admin and the site."""

import io
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import reversion
import time_machine
from django.contrib.auth.models import Group
from django.core import signing
from django.core.management import call_command
from django.utils import timezone, translation

from releases.history import numbered_versions
from releases.models import Block, Country, Photo, Position, PreviewLink, Release, Tag
from releases.roles import EDITOR, PRESS_OFFICER, TRANSLATOR

from .factories import (
    add_photo_block,
    add_quote,
    jpeg_bytes,
    make_country,
    make_official,
    make_photo,
    make_position,
    make_release,
    make_tag,
    make_user,
    written_by,
)
from .helpers import (
    change_url,
    client_for,
    datetime_fields,
    forge_transition,
    form_data,
    form_data_from,
    needs_postgresql,
    soup_of,
    upload,
)

pytestmark = pytest.mark.django_db


def post_change(client, release, **changes):
    return client.post(change_url(release), form_data(client, change_url(release), **changes))


# The permission matrix ------------------------------------------------------------------


def act_create(client, user, people):
    data = (
        form_data(client, "/admin/releases/release/add/")
        if client.get("/admin/releases/release/add/").status_code == 200
        else {}
    )
    data.update({"title_uk": "Новий реліз", "lead_uk": "Лід.", "source_language": "uk"})
    client.post("/admin/releases/release/add/", data)
    return Release.objects.filter(title_uk="Новий реліз").exists()


def act_edit_own(client, user, people):
    release = written_by(user)
    post_change(client, release, title_uk="Змінена назва")
    release.refresh_from_db()
    return release.title_uk == "Змінена назва"


def act_edit_others(client, user, people):
    other = make_user("colleague", PRESS_OFFICER)
    release = written_by(other)
    data = (
        form_data(client, change_url(release))
        if client.get(change_url(release)).status_code == 200
        else {}
    )
    data.update({"title_uk": "Чужа назва змінена"})
    client.post(change_url(release), data)
    release.refresh_from_db()
    return release.title_uk == "Чужа назва змінена"


def act_submit(client, user, people):
    release = written_by(user)
    forge_transition(client, release, "submit")
    release.refresh_from_db()
    return release.status == Release.Status.IN_REVIEW


def act_publish(client, user, people):
    release = written_by(user, status=Release.Status.IN_REVIEW)
    forge_transition(client, release, "publish")
    release.refresh_from_db()
    return release.status == Release.Status.PUBLISHED


def act_schedule(client, user, people):
    release = written_by(user, status=Release.Status.IN_REVIEW)
    future = timezone.now() + timedelta(days=2)
    forge_transition(client, release, "schedule", **datetime_fields("published_at", future))
    release.refresh_from_db()
    return release.status == Release.Status.SCHEDULED


def act_archive(client, user, people):
    release = make_release(created_by=user)
    forge_transition(
        client,
        release,
        "archive",
        archive_mode="notice",
        archive_reason_uk="Застаріло.",
        archive_reason_en="Out of date.",
    )
    release.refresh_from_db()
    return release.status == Release.Status.ARCHIVED


def act_restore(client, user, people):
    with reversion.create_revision():
        release = make_release(title_uk="Перша версія")
    editor_client = client_for(people["editor"])
    post_change(editor_client, release, title_uk="Друга версія")
    post_change(editor_client, release, title_uk="Третя версія")
    first = numbered_versions(release)[0]
    client.post(f"/admin/releases/release/{release.pk}/versions/{first.pk}/restore/")
    release.refresh_from_db()
    return release.title_uk == "Перша версія"


def act_edit_source_fields(client, user, people):
    release = written_by(user)
    data = form_data(client, change_url(release))
    data["title_uk"] = "Нова назва оригіналу"  # forged where the form shows it read-only
    client.post(change_url(release), data)
    release.refresh_from_db()
    return release.title_uk == "Нова назва оригіналу"


def act_edit_translation_fields(client, user, people):
    release = written_by(user)
    post_change(client, release, title_en="A better English title")
    release.refresh_from_db()
    return release.title_en == "A better English title"


ACTIONS = {
    "create": act_create,
    "edit own": act_edit_own,
    "edit other's": act_edit_others,
    "submit": act_submit,
    "publish": act_publish,
    "schedule": act_schedule,
    "archive": act_archive,
    "restore": act_restore,
    "edit source fields": act_edit_source_fields,
    "edit translation fields": act_edit_translation_fields,
}

ROLES = ("officer", "editor", "translator")  # the matrix's columns, as ``people`` names them
MATRIX = {
    #                          officer editor translator
    "create": (True, True, False),
    "edit own": (True, True, False),
    "edit other's": (False, True, False),
    "submit": (True, True, False),
    "publish": (False, True, False),
    "schedule": (False, True, False),
    "archive": (False, True, False),
    "restore": (False, True, False),
    "edit source fields": (True, True, False),
    "edit translation fields": (True, True, True),
}


@pytest.mark.parametrize(
    ("action", "role", "allowed"),
    [
        (action, role, allowed)
        for action, row in MATRIX.items()
        for role, allowed in zip(ROLES, row, strict=True)
    ],
)
def test_permission_matrix(people, action, role, allowed):
    user = people[role]
    assert ACTIONS[action](client_for(user), user, people) is allowed


def test_press_officer_cannot_post_to_a_release_that_is_not_theirs(people):
    release = written_by(make_user("colleague", PRESS_OFFICER))
    response = client_for(people["officer"]).post(change_url(release), {"title_uk": "x"})
    assert response.status_code == 403


def test_translator_is_not_offered_the_original_fields(people):
    release = written_by(people["officer"])
    soup = soup_of(client_for(people["translator"]).get(change_url(release)))
    assert soup.find(attrs={"name": "title_en"}) is not None
    assert soup.find(attrs={"name": "title_uk"}) is None
    assert soup.find(attrs={"name": "blocks-0-text_en"}) is not None
    assert soup.find(attrs={"name": "blocks-0-text_uk"}) is None
    assert soup.find(attrs={"name": "transition"}) is None


def test_forged_publish_by_a_press_officer_is_refused_with_a_message(people):
    release = written_by(people["officer"])
    response = forge_transition(client_for(people["officer"]), release, "publish")
    assert response.status_code == 200
    assert "transition" in response.context["adminform"].form.errors


# Review ---------------------------------------------------------------------------------


def test_editor_sends_a_release_back_with_a_comment_the_author_sees(people):
    release = written_by(people["officer"], status=Release.Status.IN_REVIEW)
    editor = client_for(people["editor"])
    response = forge_transition(editor, release, "reject")
    assert "review_comment" in response.context["adminform"].form.errors
    forge_transition(editor, release, "reject", review_comment="Додайте цитату партнера.")
    release.refresh_from_db()
    assert release.status == Release.Status.DRAFT
    page = client_for(people["officer"]).get(change_url(release)).content.decode()
    assert "Додайте цитату партнера." in page


# Scheduling across Kyiv's summer-time changes -------------------------------------------------


def kyiv(*args):
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/Kyiv"))


@pytest.mark.parametrize(
    ("local_time", "utc_moment"),
    [
        # Spring: at 03:00 on 30 March 2025 clocks jump to 04:00 (UTC+2 -> UTC+3).
        (kyiv(2025, 3, 30, 2, 30), datetime(2025, 3, 30, 0, 30, tzinfo=UTC)),
        (kyiv(2025, 3, 30, 4, 30), datetime(2025, 3, 30, 1, 30, tzinfo=UTC)),
        # Autumn: at 04:00 on 26 October 2025 clocks go back to 03:00 (UTC+3 -> UTC+2).
        (kyiv(2025, 10, 26, 2, 30), datetime(2025, 10, 25, 23, 30, tzinfo=UTC)),
        (kyiv(2025, 10, 26, 12, 0), datetime(2025, 10, 26, 10, 0, tzinfo=UTC)),
    ],
)
def test_scheduled_release_goes_live_exactly_at_its_kyiv_time(client, local_time, utc_moment):
    release = make_release(status=Release.Status.SCHEDULED, published_at=local_time)
    with time_machine.travel(utc_moment - timedelta(seconds=1), tick=False):
        assert release not in Release.objects.public("uk")
        assert client.get(release.get_absolute_url()).status_code == 404
    with time_machine.travel(utc_moment, tick=False):
        assert release in Release.objects.public("uk")
        page = client.get(release.get_absolute_url()).content.decode()
        assert local_time.strftime("%H:%M") in page


def test_publish_scheduled_records_what_the_clock_already_made_public(capsys):
    due = make_release(status=Release.Status.SCHEDULED, published_at=kyiv(2025, 3, 30, 4, 30))
    later = make_release(status=Release.Status.SCHEDULED, published_at=kyiv(2025, 3, 30, 5, 30))
    with time_machine.travel(datetime(2025, 3, 30, 1, 45, tzinfo=UTC), tick=False):
        call_command("publish_scheduled")
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == Release.Status.PUBLISHED
    assert later.status == Release.Status.SCHEDULED
    assert "1 scheduled release(s) published." in capsys.readouterr().out
    assert numbered_versions(due)[-1].revision.get_comment() == "Опубліковано за розкладом"


def test_publishing_on_schedule_does_not_disturb_an_open_edit(people):
    release = make_release(status=Release.Status.SCHEDULED, published_at=kyiv(2025, 3, 30, 4, 30))
    editor = client_for(people["editor"])
    data = form_data(editor, change_url(release))
    updated = Release.objects.get(pk=release.pk).updated_at
    call_command("publish_scheduled", verbosity=0)
    assert Release.objects.get(pk=release.pk).updated_at == updated
    editor.post(change_url(release), {**data, "title_en": "Edited while it went live"})
    release.refresh_from_db()
    assert release.title_en == "Edited while it went live"
    assert release.status == Release.Status.PUBLISHED


@pytest.mark.django_db(transaction=True)
def test_two_scheduler_runs_at_once_publish_each_release_once():
    from django.db import connections

    needs_postgresql(
        "SQLite has no row locks for two runs to contend for: run on PostgreSQL "
        "(DATABASE_URL=postgres://…)"
    )
    due = [
        make_release(
            status=Release.Status.SCHEDULED, published_at=timezone.now() - timedelta(minutes=1)
        )
        for _ in range(40)
    ]
    start = threading.Barrier(2)
    outputs, failures = [io.StringIO(), io.StringIO()], []

    def run(output):
        try:
            start.wait()
            call_command("publish_scheduled", stdout=output)
        except Exception as error:  # reported below, with the thread's own traceback
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(output,)) for output in outputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    published = [int(output.getvalue().split()[0]) for output in outputs]
    assert sum(published) == len(due)
    for release in due:
        release.refresh_from_db()
        assert release.status == Release.Status.PUBLISHED
        comments = [v.revision.get_comment() for v in numbered_versions(release)]
        assert comments.count("Опубліковано за розкладом") == 1


def test_publish_scheduled_dry_run_changes_nothing(capsys):
    due = make_release(status=Release.Status.SCHEDULED, published_at=kyiv(2025, 1, 1, 10, 0))
    call_command("publish_scheduled", dry_run=True)
    due.refresh_from_db()
    assert due.status == Release.Status.SCHEDULED
    assert f"due: {due.pk}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("date", "time"),
    [("30.03.2025", "03:30:00"), ("26.10.2025", "03:30:00")],
    ids=["time that does not exist in spring", "time that happens twice in autumn"],
)
def test_a_time_kyiv_skips_or_repeats_is_refused_at_the_field(people, date, time):
    release = written_by(people["editor"], status=Release.Status.IN_REVIEW)
    with time_machine.travel(datetime(2025, 1, 1, tzinfo=UTC), tick=False):
        response = forge_transition(
            client_for(people["editor"]),
            release,
            "schedule",
            published_at_0=date,
            published_at_1=time,
        )
    assert "published_at" in response.context["adminform"].form.errors
    release.refresh_from_db()
    assert release.status == Release.Status.IN_REVIEW


# Archiving and old addresses ------------------------------------------------------------


def test_archived_release_with_a_notice_stays_public_with_its_reason(client, people):
    release = make_release()
    editor = client_for(people["editor"])
    response = forge_transition(
        editor, release, "archive", archive_mode="notice", archive_reason_uk="Застаріло."
    )
    assert "archive_reason_en" in response.context["adminform"].form.errors
    forge_transition(
        editor,
        release,
        "archive",
        archive_mode="notice",
        archive_reason_uk="Інформація застаріла.",
        archive_reason_en="The information is out of date.",
    )
    page = client.get(f"/en/releases/{release.slug_en}/").content.decode()
    assert "This release is archived." in page
    assert "The information is out of date." in page
    assert release not in Release.objects.public("en")  # not listed any more


def test_archived_release_that_redirects_leads_both_languages_to_the_chosen_page(client, people):
    target = make_release(title_uk="Нова версія", title_en="New version")
    release = make_release()
    forge_transition(
        client_for(people["editor"]),
        release,
        "archive",
        archive_mode="redirect",
        archive_target=str(target.pk),
    )
    for prefix, slug, expected in [
        ("", release.slug_uk, target.slug_uk),
        ("/en", release.slug_en, target.slug_en),
    ]:
        response = client.get(f"{prefix}/releases/{slug}/")
        assert response.status_code == 301
        assert response["Location"] == f"{prefix}/releases/{expected}/"


def test_old_address_of_a_renamed_release_redirects_to_the_new_one(client, people):
    release = make_release(title_en="Old title")
    old = release.slug_en
    post_change(client_for(people["editor"]), release, slug_en="new-title")
    response = client.get(f"/en/releases/{old}/")
    assert response.status_code == 301
    assert response["Location"] == "/en/releases/new-title/"


# First published, updated, and change notes --------------------------------------------------


def test_major_update_shows_its_date_and_note_in_each_language(client, people):
    release = make_release()
    editor = client_for(people["editor"])
    post_change(editor, release, lead_uk="Виправлений лід.")  # a minor edit: silent
    assert (
        "Updates to this release"
        not in client.get(f"/en/releases/{release.slug_en}/").content.decode()
    )
    response = post_change(editor, release, major_update="on", change_note_uk="Уточнено дані.")
    assert "change_note_en" in response.context["adminform"].form.errors
    post_change(
        editor,
        release,
        major_update="on",
        change_note_uk="Уточнено дані.",
        change_note_en="Figures corrected.",
    )
    english = client.get(f"/en/releases/{release.slug_en}/").content.decode()
    ukrainian = client.get(f"/releases/{release.slug_uk}/").content.decode()
    assert "Figures corrected." in english and "Уточнено дані." not in english
    assert "Уточнено дані." in ukrainian
    assert "Published" in english and "Updated" in english


# Previews -------------------------------------------------------------------------------


def test_staff_see_a_draft_on_the_public_template_with_a_banner_never_cached(client, people):
    draft = make_release(published=False, title_en="Embargoed")
    assert client.get(draft.get_absolute_url()).status_code == 404
    staff = client_for(people["officer"])
    response = staff.get(f"/en/releases/{draft.slug_en}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview: this is not what the public sees." in page
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in page


@pytest.fixture
def link(people):
    release = make_release(published=False, title_en="Under legal review")
    return PreviewLink.objects.create(
        release=release,
        created_by=people["editor"],
        expires_at=timezone.now() + timedelta(days=7),
        note="Legal",
    )


def test_preview_link_shows_the_release_to_someone_without_an_account(client, link):
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        response = client.get(f"/en/preview/{link.token}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Under legal review" in page
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]
    assert "<form" not in page  # read-only


def test_preview_link_expires(client, link):
    with time_machine.travel(link.expires_at + timedelta(seconds=1)):
        response = client.get(f"/en/preview/{link.token}/")
    assert response.status_code == 404
    assert "Under legal review" not in response.content.decode()


def test_revoked_preview_link_stops_working(client, link):
    link.revoked_at = timezone.now()
    link.save()
    assert client.get(f"/en/preview/{link.token}/").status_code == 404


def test_tampered_preview_link_is_refused(client, link):
    other = make_release(published=False, title_en="Another secret")
    secret = PreviewLink.objects.create(
        release=other, expires_at=timezone.now() + timedelta(days=1)
    )
    # The other link's number, under this link's signature.
    payload = signing.b64_encode(json.dumps({"link": secret.pk}).encode()).decode()
    forged = payload + link.token[link.token.index(":") :]
    assert client.get(f"/en/preview/{forged}/").status_code == 404
    assert client.get(f"/en/preview/{secret.token}/").status_code == 200
    assert client.get(f"/en/preview/{link.token[:-2]}xx/").status_code == 404
    assert client.get(f"/en/preview/{other.pk}/").status_code == 404


def test_default_preview_link_lasts_seven_days(people):
    release = make_release(published=False)
    editor = client_for(people["editor"])
    data = form_data(editor, change_url(release))
    assert "preview_links-__prefix__-expires_at_0" in data  # the inline is offered
    soup = soup_of(editor.get(change_url(release)))
    template = soup.find(attrs={"name": "preview_links-__prefix__-expires_at_0"})
    expected = timezone.localtime(timezone.now() + timedelta(days=7)).strftime("%d.%m.%Y")
    assert template["value"] == expected


# History --------------------------------------------------------------------------------


def test_history_compares_two_versions_and_restores_the_first(client, people):
    editor = client_for(people["editor"])
    editor.post(
        "/admin/releases/release/add/",
        {
            **form_data(editor, "/admin/releases/release/add/"),
            "title_uk": "Версія один",
            "title_en": "Version one",
            "lead_uk": "Лід один.",
            "lead_en": "Lead one.",
            "transition": "publish",
        },
    )
    release = Release.objects.get(title_en="Version one")
    post_change(editor, release, title_en="Version two")
    post_change(editor, release, title_en="Version three", lead_en="Lead three.")
    versions = numbered_versions(release)
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[0].revision.user == people["editor"]

    page = editor.get(
        f"/admin/releases/release/{release.pk}/versions/compare/",
        {"a": versions[0].pk, "b": versions[2].pk},
    ).content.decode()
    assert "<del>one</del>" in page and "<ins>three</ins>" in page
    assert "<del>one.</del>" in page  # the English lead, compared on its own

    editor.post(f"/admin/releases/release/{release.pk}/versions/{versions[0].pk}/restore/")
    release.refresh_from_db()
    assert release.status == Release.Status.PUBLISHED
    public = client.get(f"/en/releases/{release.slug_en}/").content.decode()
    assert "Version one" in public and "Lead one." in public
    assert len(numbered_versions(release)) == 4


# No lost text ---------------------------------------------------------------------------


def test_second_of_two_concurrent_saves_is_refused_and_keeps_its_text(people):
    release = make_release()
    first, second = client_for(people["editor"]), client_for(make_user("editor2", EDITOR))
    first_form = form_data(first, change_url(release))
    second_form = form_data(second, change_url(release))

    first.post(change_url(release), {**first_form, "title_en": "Saved first"})
    response = second.post(change_url(release), {**second_form, "title_en": "Saved second"})

    assert response.status_code == 200
    soup = soup_of(response)
    warning = soup.find("ul", class_="nonfield").get_text()
    assert warning.startswith("editor ")  # who saved first, by name
    assert "editor2" not in warning
    assert soup.find("textarea", attrs={"name": "title_en"}).get_text().strip() == "Saved second"
    release.refresh_from_db()
    assert release.title_en == "Saved first"

    # Having merged, the second editor saves again on purpose: now it goes through.
    merged = form_data_from(soup)
    second.post(change_url(release), merged)
    release.refresh_from_db()
    assert release.title_en == "Saved second"


# Translation status ---------------------------------------------------------------------


def test_translation_goes_out_of_date_when_the_original_changes_and_back(people):
    release = written_by(
        people["editor"], status=Release.Status.PUBLISHED, published_at=kyiv(2025, 1, 1, 9, 0)
    )
    editor, translator = client_for(people["editor"]), client_for(people["translator"])
    post_change(editor, release, title_en="English title")
    release.refresh_from_db()
    assert release.translation_status("en") == Release.TranslationStatus.UP_TO_DATE

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        post_change(editor, release, lead_uk="Оновлений лід оригіналу.")
    release = Release.objects.get(pk=release.pk)
    assert release.translation_status("en") == Release.TranslationStatus.OUTDATED

    current = make_release(title_uk="Актуальний переклад")
    current.refresh_text_stamps()
    listing = translator.get("/admin/releases/release/", {"translation_en": "outdated"})
    assert release.title_uk in listing.content.decode()
    assert "Актуальний переклад" not in listing.content.decode()
    worklist = translator.get("/admin/releases/release/worklist/").content.decode()
    assert release.title_uk in worklist
    assert "Актуальний переклад" not in worklist

    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        post_change(translator, release, lead_en="Updated English lead.")
    release = Release.objects.get(pk=release.pk)
    assert release.translation_status("en") == Release.TranslationStatus.UP_TO_DATE
    assert release.lead_uk == "Оновлений лід оригіналу."


def test_worklist_is_for_translators_and_editors_only(people):
    assert (
        client_for(people["translator"]).get("/admin/releases/release/worklist/").status_code
        == 200
    )
    assert (
        client_for(people["officer"]).get("/admin/releases/release/worklist/").status_code == 403
    )


def test_roles_are_created_by_migrate_with_their_permissions():
    editor = Group.objects.get(name=EDITOR).permissions.values_list("codename", flat=True)
    officer = Group.objects.get(name=PRESS_OFFICER).permissions.values_list("codename", flat=True)
    assert "publish_release" in editor and "publish_release" not in officer
    assert "translate_release" in Group.objects.get(name=TRANSLATOR).permissions.values_list(
        "codename", flat=True
    )


def test_setup_roles_command_restores_a_group_that_was_changed(capsys):
    Group.objects.get(name=EDITOR).permissions.clear()
    call_command("setup_roles")
    assert Group.objects.get(name=EDITOR).permissions.filter(codename="publish_release").exists()
    assert "Editor:" in capsys.readouterr().out


def test_major_update_note_is_in_the_history(people):
    release = make_release()
    post_change(
        client_for(people["editor"]),
        release,
        major_update="on",
        change_note_uk="Уточнено дані.",
        change_note_en="Figures corrected.",
    )
    assert "Уточнено дані." in numbered_versions(release)[-1].revision.get_comment()


@pytest.mark.parametrize("role", ["translator", "officer"])
def test_only_editors_can_publish_a_major_update_note(people, role):
    release = make_release(created_by=people[role], status=Release.Status.PUBLISHED)
    data = form_data(client_for(people["editor"]), change_url(release))
    assert "change_note_uk" in data  # the editor's form has the fields
    client_for(people[role]).post(
        change_url(release),
        {**data, "major_update": "on", "change_note_uk": "Підробка", "change_note_en": "Forged"},
    )
    assert not release.change_notes.exists()


def test_editor_corrects_a_published_change_note(people):
    release = make_release()
    editor = client_for(people["editor"])
    post_change(
        editor, release, major_update="on", change_note_uk="Помилка.", change_note_en="Typo."
    )
    note = release.change_notes.get()
    post_change(editor, release, **{"change_notes-0-note_en": "Corrected figures."})
    note.refresh_from_db()
    assert note.note_en == "Corrected figures."


def test_preview_link_shows_the_releases_photos_and_no_others(client, link):
    photo = make_photo(code="jrs-8000")
    add_photo_block(link.release, photo)
    other = make_photo(code="jrs-8001")
    make_release(published=False, hero_photo=other)
    page = soup_of(client.get(f"/en/preview/{link.token}/"))
    src = page.find("img", src=lambda s: s and "jrs-8000" in s)["src"]
    assert client.get(src).status_code == 200
    assert client.get(src.split("&")[0]).status_code == 404  # without the link: embargoed
    stolen = src.replace("jrs-8000", "jrs-8001")
    assert client.get(stolen).status_code == 404


@time_machine.travel(datetime(2025, 6, 1, 9, 0, tzinfo=UTC), tick=False)  # one token a second
def test_preview_in_a_language_the_release_is_not_written_in_says_so(client, people):
    draft = make_release(published=False, languages=("uk",), title_uk="Лише чернетка")
    staff = client_for(people["editor"])
    response = staff.get(f"/en/releases/{draft.slug_uk}/")
    assert "not available in this language" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    link = PreviewLink.objects.create(release=draft, expires_at=timezone.now() + timedelta(days=1))
    assert list(link.urls()) == ["uk"]
    response = client.get(f"/en/preview/{link.token}/")
    assert response.status_code == 404
    assert f"/preview/{link.token}/" in response.content.decode()


def test_comparison_reads_statuses_times_and_text_as_people_do(people):
    from releases.history import compare

    editor = client_for(people["editor"])
    release = written_by(people["editor"], status=Release.Status.IN_REVIEW)
    with reversion.create_revision():
        release.save()
    forge_transition(editor, release, "publish")
    post_change(editor, release, **{"blocks-0-text_en": "Tea &amp; <strong>biscuits</strong>"})
    versions = numbered_versions(release)
    with translation.override("en"):
        changes = [{**c, "label": str(c["label"])} for c in compare(versions[0], versions[-1])]
    status = next(c for c in changes if c["label"] == "status")
    assert "<del>In review</del>" in status["diff"] and "<ins>Published</ins>" in status["diff"]
    block = next(c for c in changes if "block" in str(c["label"]) and c["language"] == "en")
    assert "&amp;amp;" not in block["diff"] and "&lt;strong" not in block["diff"]


def test_editor_creates_and_withdraws_a_preview_link_in_the_admin(client, people):
    release = make_release(published=False, title_en="For legal review")
    editor = client_for(people["editor"])
    data = form_data(editor, change_url(release))
    data.update(
        {
            "preview_links-TOTAL_FORMS": "1",
            "preview_links-0-note": "Legal",
            "preview_links-0-expires_at_0": data["preview_links-__prefix__-expires_at_0"],
            "preview_links-0-expires_at_1": data["preview_links-__prefix__-expires_at_1"],
        }
    )
    editor.post(change_url(release), data)
    link = release.preview_links.get()
    assert client.get(f"/en/preview/{link.token}/").status_code == 200
    post_change(editor, release, **{"preview_links-0-revoke": "on"})
    assert client.get(f"/en/preview/{link.token}/").status_code == 404


def test_press_officer_cannot_change_a_photo_or_official_a_public_release_shows(people):
    photo, official = make_photo(), make_official()
    release = make_release(hero_photo=photo)
    release.officials.add(official)
    officer, editor = client_for(people["officer"]), client_for(people["editor"])
    for url in (
        f"/admin/releases/photo/{photo.pk}/change/",
        f"/admin/releases/official/{official.pk}/change/",
    ):
        assert officer.post(url, {"caption_uk": "Підмінено"}).status_code == 403
        assert editor.get(url).status_code == 200


def test_the_admin_is_under_the_content_security_policy_too(people):
    response = client_for(people["editor"]).get("/admin/releases/release/")
    assert "script-src 'self'" in response["Content-Security-Policy"]


# Shared materials: once a release under review or public shows them, they are the editors'


def release_in(state, **fields):
    """A release in ``state``: draft, in_review, scheduled, published or archived (two ways)."""
    Status = Release.Status
    states = {
        "draft": {"published": False},
        "in_review": {"published": False, "status": Status.IN_REVIEW},
        "scheduled": {
            "published": False,
            "status": Status.SCHEDULED,
            "published_at": timezone.now() + timedelta(days=2),
        },
        "published": {},
        "archived_with_notice": {
            "status": Status.ARCHIVED,
            "archive_mode": Release.ArchiveMode.NOTICE,
            "archive_reason_uk": "Застаріло.",
            "archive_reason_en": "Out of date.",
        },
        "archived_with_redirect": {
            "status": Status.ARCHIVED,
            "archive_mode": Release.ArchiveMode.REDIRECT,
        },
    }
    return make_release(**states[state], **fields)


# Whether a release in each state puts what it shows in the editors' hands.
STATES = {
    "draft": False,
    "in_review": True,
    "scheduled": True,
    "published": True,
    "archived_with_notice": True,
    "archived_with_redirect": False,
}


def editors_only(kind, state):
    # A photo also keeps its own public page while a redirected release is on record.
    return STATES[state] or (kind.startswith("photo") and state == "archived_with_redirect")


def changing(obj, field, value, read=None):
    """A case: ``obj``'s admin form, its ``field`` to set to ``value``, and how to read the
    stored value back (by default, that field of ``obj`` fresh from the database)."""
    model = type(obj)
    return (
        f"/admin/releases/{model._meta.model_name}/{obj.pk}/change/",
        field,
        value,
        read or (lambda: getattr(model.objects.get(pk=obj.pk), field)),
    )


def shared_photo_caption(release):
    photo = make_photo()
    release.hero_photo = photo
    release.save()
    return changing(photo, "caption_uk", "Підмінений підпис")


def shared_photo_alt(release):
    photo = make_photo()
    add_photo_block(release, photo)
    return changing(photo, "alt_en", "Something else entirely")


def shared_photo_focal_point(release):
    photo = make_photo()
    release.hero_photo = photo
    release.save()
    return changing(photo, "focal_x", "0.9", lambda: str(Photo.objects.get(pk=photo.pk).focal_x))


def shared_official_listed(release):
    official = make_official()
    release.officials.add(official)
    return changing(official, "name_en", "Someone Else")


def shared_official_quoted(release):
    official = make_official()
    add_quote(release, official)
    return changing(official, "name_uk", "Хтось Інший")


def shared_position(release):
    official = make_official()
    position = make_position(official)
    release.officials.add(official)
    return changing(
        official,
        "positions-0-title_en",
        "Minister of Everything",
        lambda: Position.objects.get(pk=position.pk).title_en,
    )


def shared_tag(release):
    tag = make_tag()
    release.tags.add(tag)
    return changing(tag, "name_en", "Renamed topic")


SHARED = {
    "photo caption (main photo)": shared_photo_caption,
    "photo alt text (body photo)": shared_photo_alt,
    "photo focal point": shared_photo_focal_point,
    "official named (listed)": shared_official_listed,
    "official named (quoted)": shared_official_quoted,
    "official's position": shared_position,
    "tag name": shared_tag,
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", SHARED)
def test_press_officer_changes_shared_material_only_while_no_release_under_review_shows_it(
    people, kind, state
):
    url, field, value, read = SHARED[kind](release_in(state))
    # What a browser would send from the full form (the officer's may be read-only).
    data = form_data(client_for(people["editor"]), url)
    assert field in data
    before = read()
    data[field] = value
    response = client_for(people["officer"]).post(url, data)
    if editors_only(kind, state):
        assert response.status_code == 403
        assert read() == before
    else:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert read() == value


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", SHARED)
def test_editor_changes_shared_material_whatever_shows_it(people, kind, state):
    url, field, value, read = SHARED[kind](release_in(state))
    editor = client_for(people["editor"])
    data = form_data(editor, url)
    data[field] = value
    assert editor.post(url, data).status_code == 302
    assert read() == value


@pytest.mark.parametrize("state", [state for state, shown in STATES.items() if shown])
def test_press_officer_cannot_replace_the_image_of_a_photo_under_review(people, state):
    photo = make_photo()
    release_in(state, hero_photo=photo)
    url = f"/admin/releases/photo/{photo.pk}/change/"
    data = form_data(client_for(people["editor"]), url)
    data["image"] = upload("new.jpg", jpeg_bytes((80, 60), "#aa0000"))
    response = client_for(people["officer"]).post(url, data)
    assert response.status_code == 403
    stored = Photo.objects.get(pk=photo.pk)
    assert stored.image.name == photo.image.name
    assert (stored.width, stored.height) == (64, 48)


def test_press_officer_sees_shared_material_under_review_read_only_and_why(people):
    tag = make_tag()
    release_in("in_review").tags.add(tag)
    response = client_for(people["officer"]).get(f"/en/admin/releases/tag/{tag.pk}/change/")
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("input", attrs={"name": "name_en"}) is None
    assert "only editors may change it" in soup.find(class_="messagelist").get_text()


@pytest.mark.parametrize("shown_by", ["listed", "position"])
def test_a_country_a_release_under_review_shows_is_the_editors(people, shown_by):
    from releases import workflow

    country = make_country("PL")
    release = release_in("in_review")
    assert workflow.may_change_shared(people["officer"], country)
    if shown_by == "listed":
        release.countries.add(country)
    else:
        official = make_official()
        make_position(official, country="PL")
        release.officials.add(official)
    assert not workflow.may_change_shared(people["officer"], country)
    assert workflow.may_change_shared(people["editor"], country)
    url = f"/admin/releases/country/{country.pk}/change/"
    response = client_for(people["officer"]).post(url, {"code": "LT"})
    assert response.status_code == 403
    assert Country.objects.get(pk=country.pk).code == "PL"
    editor = client_for(people["editor"])
    assert editor.post(url, {**form_data(editor, url), "code": "LT"}).status_code == 302
    assert Country.objects.get(pk=country.pk).code == "LT"


def test_press_officer_may_add_a_position_to_an_official_no_release_under_review_names(people):
    official = make_official()
    release_in("draft").officials.add(official)
    url = f"/admin/releases/official/{official.pk}/change/"
    officer = client_for(people["officer"])
    data = form_data(officer, url)
    data.update(
        {
            "positions-TOTAL_FORMS": "1",
            "positions-0-title_uk": "Радник",
            "positions-0-title_en": "Adviser",
            "positions-0-country": str(make_country("UA").pk),
            "positions-0-start": "01.01.2024",
        }
    )
    assert officer.post(url, data).status_code == 302
    assert official.positions.get().title_en == "Adviser"


def test_bulk_deletion_spares_tags_a_release_under_review_shows(people):
    from django.contrib.auth.models import Permission

    # Even an officer given the right to delete tags does not delete a live one.
    officer = people["officer"]
    officer.user_permissions.add(
        Permission.objects.get(codename="delete_tag", content_type__app_label="releases")
    )
    shown, unused = make_tag(), make_tag()
    release_in("scheduled").tags.add(shown)
    client_for(officer).post(
        "/admin/releases/tag/",
        {"action": "delete_selected", "_selected_action": [shown.pk, unused.pk], "post": "yes"},
    )
    assert Tag.objects.filter(pk=shown.pk).exists()
    client_for(officer).post(
        "/admin/releases/tag/",
        {"action": "delete_selected", "_selected_action": [unused.pk], "post": "yes"},
    )
    assert not Tag.objects.filter(pk=unused.pk).exists()


# Saves and transitions at the same moment ------------------------------------------------


ONE_WRITER = (
    "SQLite runs one writer at a time, so two saves cannot overlap: run on "
    "PostgreSQL (DATABASE_URL=postgres://…)"
)


def post_at_once(posts):
    """POST each ``(client, url, data)`` from its own thread and connection, all at once."""
    from django.db import connections

    start = threading.Barrier(len(posts))
    responses, failures = [None] * len(posts), []

    def run(index, client, url, data):
        try:
            start.wait()
            responses[index] = client.post(url, data)
        except Exception as error:  # reported below, with the thread's own traceback
            failures.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, *post)) for index, post in enumerate(posts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return responses


def conflict_warning(response):
    soup = soup_of(response)
    warning = soup.find("ul", class_="nonfield")
    return (warning.get_text() if warning else ""), soup


@pytest.mark.django_db(transaction=True)
def test_of_two_saves_at_the_same_moment_exactly_one_wins_and_the_other_keeps_its_text(people):
    needs_postgresql(ONE_WRITER)
    release = make_release()
    accounts = [people["editor"], make_user("editor2", EDITOR)]
    clients = [client_for(user) for user in accounts]
    url = change_url(release)
    for trial in range(12):
        forms = [form_data(client, url) for client in clients]
        assert forms[0]["loaded_edit_version"] == forms[1]["loaded_edit_version"]
        titles = [f"Trial {trial} by {user.username}" for user in accounts]
        versions_before = len(numbered_versions(release))
        responses = post_at_once(
            [
                (client, url, {**form, "title_en": title})
                for client, form, title in zip(clients, forms, titles, strict=True)
            ]
        )
        release.refresh_from_db()
        assert release.title_en in titles, f"trial {trial}: neither change survived"
        winner = titles.index(release.title_en)
        loser = 1 - winner
        assert responses[winner].status_code == 302
        assert responses[loser].status_code == 200, f"trial {trial}: both saves went through"
        warning, soup = conflict_warning(responses[loser])
        assert warning.startswith(f"{accounts[winner].username} "), warning
        assert (
            soup.find("textarea", attrs={"name": "title_en"}).get_text().strip() == titles[loser]
        )
        assert len(numbered_versions(release)) == versions_before + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("other", ["publish", "reject"])
def test_two_editors_moving_a_release_at_the_same_moment_move_it_once(people, other):
    needs_postgresql(ONE_WRITER)
    accounts = [people["editor"], make_user("editor2", EDITOR)]
    clients = [client_for(user) for user in accounts]
    for trial in range(6):
        release = written_by(people["officer"], status=Release.Status.IN_REVIEW)
        url = change_url(release)
        forms = [form_data(client, url) for client in clients]
        moves = [
            {"transition": "publish"},
            {"transition": other, "review_comment": "Додайте цитату."},
        ]
        responses = post_at_once(
            [
                (client, url, {**form, **move})
                for client, form, move in zip(clients, forms, moves, strict=True)
            ]
        )
        codes = sorted(response.status_code for response in responses)
        assert codes == [200, 302], f"trial {trial}: {codes}"
        winner = [response.status_code for response in responses].index(302)
        release.refresh_from_db()
        expected = {"publish": Release.Status.PUBLISHED, "reject": Release.Status.DRAFT}
        assert release.status == expected[moves[winner]["transition"]]
        assert len(numbered_versions(release)) == 1  # one move, recorded once
        warning, _soup = conflict_warning(responses[1 - winner])
        assert warning.startswith(f"{accounts[winner].username} "), warning


@pytest.mark.django_db(transaction=True)
def test_an_author_saving_while_an_editor_publishes_neither_unpublishes_nor_slips_in_text(people):
    needs_postgresql(ONE_WRITER)
    author, editor = client_for(people["officer"]), client_for(people["editor"])
    for trial in range(6):
        release = written_by(people["officer"])
        url = change_url(release)
        author_form, editor_form = form_data(author, url), form_data(editor, url)
        text = f"Slipped in, trial {trial}"
        saved, published = post_at_once(
            [
                (author, url, {**author_form, "title_en": text}),
                (editor, url, {**editor_form, "transition": "publish"}),
            ]
        )
        release.refresh_from_db()
        if published.status_code == 302:
            # The author's save waited for the publication, then found the release
            # the editor's: refused, and nothing of it reached the public text.
            assert saved.status_code in (200, 403), f"trial {trial}"
            assert release.status == Release.Status.PUBLISHED
            assert release.title_en != text
        else:
            assert saved.status_code == 302, f"trial {trial}: neither went through"
            assert conflict_warning(published)[0].startswith("officer ")
            assert release.status == Release.Status.DRAFT
            assert release.title_en == text


def test_a_save_sent_without_its_edit_number_is_refused_as_out_of_date(people):
    release = make_release()
    editor = client_for(people["editor"])
    data = form_data(editor, change_url(release))
    del data["loaded_edit_version"]  # a forged request, or a page from before the check
    response = editor.post(change_url(release), {**data, "title_en": "Overwritten blindly"})
    assert response.status_code == 200
    warning, soup = conflict_warning(response)
    assert warning
    assert (
        soup.find("textarea", attrs={"name": "title_en"}).get_text().strip()
        == "Overwritten blindly"
    )
    release.refresh_from_db()
    assert release.title_en != "Overwritten blindly"


def test_restore_keeps_a_publication_committed_after_the_release_was_read(people):
    from releases import history

    editor = client_for(people["editor"])
    with reversion.create_revision():
        release = written_by(people["officer"], status=Release.Status.IN_REVIEW)
    post_change(editor, release, title_en="Second version")
    first = numbered_versions(release)[0]
    read_by_the_restore = Release.objects.get(pk=release.pk)
    forge_transition(client_for(make_user("editor2", EDITOR)), release, "publish")
    history.restore(read_by_the_restore, first, people["editor"])
    release.refresh_from_db()
    assert release.status == Release.Status.PUBLISHED
    assert release.title_en != "Second version"


# What an insider could forge against releases ------------------------------------------------


def test_press_officer_cannot_reach_another_release_s_blocks_through_their_own_form(people):
    officer = client_for(people["officer"])
    theirs = written_by(make_user("colleague", PRESS_OFFICER))
    others_block = theirs.blocks.get()
    own = written_by(people["officer"])
    data = form_data(officer, change_url(own))
    data.update({"blocks-0-id": str(others_block.pk), "blocks-0-text_en": "Hijacked paragraph."})
    officer.post(change_url(own), data)
    others_block.refresh_from_db()
    assert others_block.text_en == "First paragraph."
    assert others_block.release_id == theirs.pk
    assert not Block.objects.filter(text_en="Hijacked paragraph.").exists()


def test_press_officer_cannot_extend_or_withdraw_another_release_s_preview_link(people):
    officer = client_for(people["officer"])
    theirs = written_by(make_user("colleague", PRESS_OFFICER))
    expires = timezone.now() + timedelta(days=2)
    others_link = PreviewLink.objects.create(release=theirs, expires_at=expires)
    own = written_by(people["officer"])
    PreviewLink.objects.create(release=own, expires_at=expires)
    data = form_data(officer, change_url(own))
    data.update({"preview_links-0-id": str(others_link.pk), "preview_links-0-revoke": "on"})
    officer.post(change_url(own), data)
    others_link.refresh_from_db()
    assert others_link.revoked_at is None
    assert others_link.release_id == theirs.pk


def test_press_officer_cannot_set_workflow_fields_of_their_own_draft_by_forging_them(people):
    officer = client_for(people["officer"])
    own = written_by(people["officer"])
    target = make_release()
    data = form_data(officer, change_url(own))
    data.update(
        {
            "status": "published",
            "review_comment": "Approved by the editor.",
            "archive_mode": "redirect",
            "archive_target": str(target.pk),
            "edit_version": "99",
            "complete_uk": "on",
            "key": "forged-key",
            "created_by": str(people["editor"].pk),
            "title_en": "Still a draft",
        }
    )
    assert officer.post(change_url(own), data).status_code == 302
    own.refresh_from_db()
    assert own.title_en == "Still a draft"  # the save went through, the forgeries did not
    assert own.status == Release.Status.DRAFT
    assert own.review_comment == ""
    assert own.archive_mode == "" and own.archive_target is None
    assert own.key != "forged-key"
    assert own.created_by == people["officer"]


def test_translator_cannot_add_or_delete_blocks_by_forging_the_formset(people):
    release = written_by(people["officer"])
    translator = client_for(people["translator"])
    data = form_data(translator, change_url(release))
    data.update(
        {
            "blocks-0-DELETE": "on",
            "blocks-TOTAL_FORMS": "2",
            "blocks-1-kind": "paragraph",
            "blocks-1-text_uk": "Вставлений абзац.",
            "blocks-1-text_en": "An inserted paragraph.",
            "blocks-1-position": "2",
        }
    )
    translator.post(change_url(release), data)
    assert [b.text_en for b in release.blocks.all()] == ["First paragraph."]


@time_machine.travel(datetime(2025, 6, 1, 9, 0, tzinfo=UTC), tick=False)  # one token a second
def test_preview_links_of_a_draft_are_shown_to_its_author_and_editors_only(people):
    author = people["officer"]
    release = written_by(author)
    link = PreviewLink.objects.create(
        release=release, created_by=author, expires_at=timezone.now() + timedelta(days=3)
    )
    path = link.get_absolute_url()
    colleague = client_for(make_user("colleague", PRESS_OFFICER))
    assert path not in colleague.get(change_url(release)).content.decode()
    assert path in client_for(author).get(change_url(release)).content.decode()
    assert path in client_for(people["editor"]).get(change_url(release)).content.decode()
    # Once submitted the author reads the form, links included, but changes nothing.
    release.status = Release.Status.IN_REVIEW
    release.save()
    assert path in client_for(author).get(change_url(release)).content.decode()


def test_a_preview_link_records_who_made_it(people):
    officer = client_for(people["officer"])
    release = written_by(people["officer"])
    data = form_data(officer, change_url(release))
    data.update(
        {
            "preview_links-TOTAL_FORMS": "1",
            "preview_links-0-note": "Legal",
            "preview_links-0-expires_at_0": data["preview_links-__prefix__-expires_at_0"],
            "preview_links-0-expires_at_1": data["preview_links-__prefix__-expires_at_1"],
        }
    )
    assert officer.post(change_url(release), data).status_code == 302
    assert release.preview_links.get().created_by == people["officer"]


def test_a_preview_link_cannot_outlive_the_longest_lifetime(people, settings):
    settings.PREVIEW_LINK_MAX_DAYS = 30
    officer = client_for(people["officer"])
    release = written_by(people["officer"])
    data = form_data(officer, change_url(release))
    far = timezone.now() + timedelta(days=365 * 10)
    data.update(
        {
            "title_en": "Kept in the form",
            "preview_links-TOTAL_FORMS": "1",
            "preview_links-0-note": "Forever",
            **datetime_fields("preview_links-0-expires_at", far),
        }
    )
    response = officer.post(change_url(release), data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][-1].formset.errors
    with translation.override("en"):
        assert "at most 30 days" in str(errors[0]["expires_at"])
    assert not release.preview_links.exists()
    assert ">\nKept in the form</textarea>" in response.content.decode()
