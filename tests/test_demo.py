import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from releases.models import Block, Document, Official, Photo, Release

pytestmark = pytest.mark.django_db


def test_demo_has_what_the_site_needs_to_show_itself():
    call_command("load_demo", verbosity=0)
    assert Release.objects.public("uk").count() >= 9
    assert Release.objects.public("en").count() >= 8
    ukrainian_only = Release.objects.public("uk").exclude(
        pk__in=Release.objects.public("en").values("pk")
    )
    assert ukrainian_only.exists()
    countries = Official.objects.values_list("positions__country__code", flat=True).distinct()
    assert len(set(countries)) >= 3
    assert any(o.positions.count() >= 2 for o in Official.objects.all())
    assert Photo.objects.exclude(image="").count() == Photo.objects.count() > 0
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()


def test_demo_shows_every_kind_of_release_a_video_and_a_document(client):
    call_command("load_demo", verbosity=0)
    public = Release.objects.public("uk")
    assert set(public.values_list("kind", flat=True)) == set(Release.Kind.values)
    assert public.filter(featured=True).exists()
    assert Block.objects.filter(kind=Block.Kind.VIDEO, release__in=public).exists()
    (document,) = Document.objects.filter(release__in=public)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment;")


def test_loading_the_demo_again_keeps_edits_made_in_the_admin(capsys):
    call_command("load_demo", verbosity=0)
    release = Release.objects.order_by("pk").first()
    release.title_uk = "Назву змінено в адмінці"
    release.save()
    call_command("load_demo")
    assert "already loaded" in capsys.readouterr().out
    release.refresh_from_db()
    assert release.title_uk == "Назву змінено в адмінці"


def test_reloading_the_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = [
        (r.pk, r.updated_at, r.slug_uk, r.slug_en, r.blocks.count())
        for r in Release.objects.order_by("pk")
    ]
    photos = list(Photo.objects.order_by("pk").values_list("pk", "image"))
    capsys.readouterr()
    call_command("load_demo", reload=True)
    assert "already up to date" in capsys.readouterr().out
    again = [
        (r.pk, r.updated_at, r.slug_uk, r.slug_en, r.blocks.count())
        for r in Release.objects.order_by("pk")
    ]
    assert again == first
    assert Document.objects.count() == 1
    assert list(Photo.objects.order_by("pk").values_list("pk", "image")) == photos
    assert get_user_model().objects.count() == 4  # admin and one account per role
