"""The press office's contacts page for journalists, and the ministry's emblem in the header."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from releases.models import PressContacts

from .helpers import field_errors, form_data, soup_of

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/releases/presscontacts/"
ADD = "/admin/releases/presscontacts/add/"
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def make_contacts(languages=("uk", "en"), **fields):
    texts = {
        "uk": {
            "address_uk": "вул. Зразкова, 1\nКиїв, 01001",
            "office_hours_uk": "Пн–Пт, 9:00–18:00",
            "accreditation_uk": "Надішліть лист редакції.\n\nВідповідь за п’ять днів.",
        },
        "en": {
            "address_en": "1 Zrazkova Street\nKyiv 01001",
            "office_hours_en": "Mon–Fri, 9:00–18:00",
            "accreditation_en": "Send a letter from your editor.\n\nWe reply within five days.",
        },
    }
    values = {"phones": "+380 44 000-00-01\n(044) 000 00 02", "email": "press@example.gov.ua"}
    for lang in languages:
        values.update(texts[lang])
    values.update(fields)
    return PressContacts.objects.create(**values)


def change_url(contacts):
    return f"/admin/releases/presscontacts/{contacts.pk}/change/"


# The public page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "mine", "theirs"),
    [
        (
            "/contacts/",
            ["вул. Зразкова", "Пн–Пт", "Надішліть лист", "Контакти для журналістів"],
            ["Zrazkova Street", "Mon–Fri"],
        ),
        (
            "/en/contacts/",
            ["1 Zrazkova Street", "Mon–Fri", "Send a letter", "Contacts for journalists"],
            ["вул. Зразкова", "Пн–Пт"],
        ),
    ],
)
def test_contacts_page_shows_the_texts_of_its_language_only(page, url, mine, theirs):
    make_contacts()
    _response, soup = page(url)
    text = soup.find("main").get_text(" ")
    assert all(t in text for t in mine), text
    assert not any(t in text for t in theirs), text
    assert soup.find("h1").get_text(strip=True) == mine[-1]


def test_accreditation_rules_keep_their_paragraphs_and_the_address_its_lines(page):
    make_contacts()
    _response, soup = page("/en/contacts/")
    paragraphs = [p.get_text() for p in soup.select(".contacts__accreditation p")]
    assert paragraphs == ["Send a letter from your editor.", "We reply within five days."]
    address = soup.find("address")
    assert address.find("br") is not None
    assert address.get_text("|") == "1 Zrazkova Street|Kyiv 01001"


def test_phones_and_email_are_links_built_on_the_server(page):
    make_contacts()
    _response, soup = page("/en/contacts/")
    links = {a.get_text(): a["href"] for a in soup.select(".contacts a")}
    assert links == {
        "+380 44 000-00-01": "tel:+380440000001",
        "(044) 000 00 02": "tel:0440000002",
        "press@example.gov.ua": "mailto:press@example.gov.ua",
    }


def test_english_page_of_ukrainian_only_contacts_says_so_in_english(page):
    make_contacts(languages=("uk",))
    _response, soup = page("/en/contacts/")
    main = soup.find("main").get_text(" ")
    assert "has not yet published its contacts in this language" in main
    # No Ukrainian text on the English page, and no empty headings for it.
    assert "Зразкова" not in main and "Пн–Пт" not in main
    assert soup.find("address") is None and soup.find(id="accreditation") is None
    # The language-free ways to reach the office are still there.
    assert soup.find("a", href="tel:+380440000001") is not None
    # The switcher and the alternates name only the version that exists.
    assert "There is no Ukrainian version" not in soup.get_text()
    switcher = soup.find(class_="language-switcher").get_text(" ")
    assert "There is no English version of this page yet." not in switcher
    hreflangs = [link["hreflang"] for link in soup.find_all("link", hreflang=True)]
    assert hreflangs == ["uk"]


def test_ukrainian_page_says_so_in_ukrainian_when_only_english_is_written(page):
    make_contacts(languages=("en",))
    _response, soup = page("/contacts/")
    main = soup.find("main").get_text(" ")
    assert "Пресслужба ще не оприлюднила контакти цією мовою." in main
    assert "Zrazkova" not in main
    hreflangs = [link["hreflang"] for link in soup.find_all("link", hreflang=True)]
    assert hreflangs == ["en"]


def test_page_without_any_contacts_says_so_plainly(page):
    _response, soup = page("/en/contacts/")
    assert "has not yet published its contacts" in soup.find("main").get_text(" ")
    assert soup.find(class_="contacts") is None


@pytest.mark.parametrize(
    "field",
    [
        "address_uk",
        "address_en",
        "office_hours_uk",
        "office_hours_en",
        "accreditation_uk",
        "accreditation_en",
        "phones",
        "email",
    ],
)
def test_hostile_text_in_any_field_is_shown_as_text(client, field):
    # Written past the form's checks (an import, the shell): the page still escapes it.
    make_contacts(**{field: HOSTILE})
    url = "/contacts/" if field.endswith("_uk") else "/en/contacts/"
    response = client.get(url)
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for link in soup_of(response).select(".contacts a"):
        assert link["href"].startswith(("tel:", "mailto:"))
        assert "<" not in link["href"] and '"' not in link["href"]


def test_a_hostile_phone_number_dials_only_digits(page):
    make_contacts(phones="+380 44 000-00-01 javascript:alert(1)")
    _response, soup = page("/en/contacts/")
    assert soup.select_one(".contacts__list a")["href"] == "tel:+3804400000011"


def test_footer_links_to_the_contacts_page_in_each_language(page):
    for url, target in (("/", "/contacts/"), ("/en/", "/en/contacts/")):
        _response, soup = page(url)
        assert soup.find("footer").find("a", href=target) is not None, url


def test_contacts_are_in_the_sitemap_in_each_language_written(client):
    make_contacts(languages=("uk",))
    body = client.get("/sitemap-contacts.xml").content.decode()
    assert "/contacts/</loc>" in body and "/en/contacts/" not in body
    contacts = PressContacts.objects.get()
    contacts.address_en = "1 Zrazkova Street"
    contacts.save()
    body = client.get("/sitemap-contacts.xml").content.decode()
    assert "/en/contacts/</loc>" in body
    assert "sitemap-contacts.xml" in client.get("/sitemap.xml").content.decode()


# Fixed cost and the page cache -------------------------------------------------------------


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from releases import page_cache

    page_cache.current_generation()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_contacts_page_costs_one_query_however_many_numbers(client):
    contacts = make_contacts(phones="+380 44 000-00-01")
    few = count_queries(client, "/en/contacts/")
    contacts.phones = "\n".join(f"+380 44 000-00-{n:02}" for n in range(40))
    contacts.save()
    many = count_queries(client, "/en/contacts/")
    assert few == many == 1


def test_contacts_page_is_cached_and_renewed_when_the_record_is_saved(client):
    contacts = make_contacts()
    first = client.get("/en/contacts/")
    second = client.get("/en/contacts/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    contacts.office_hours_en = "Around the clock"
    contacts.save()
    renewed = client.get("/en/contacts/")
    assert renewed["X-Page-Cache"] == "miss"
    assert "Around the clock" in renewed.content.decode()


# The admin: one record, edited by editors --------------------------------------------------


def test_editor_changes_the_contacts_in_both_languages(editor):
    contacts = make_contacts()
    url = change_url(contacts)
    data = form_data(editor, url, office_hours_uk="Щодня", office_hours_en="Every day")
    response = editor.post(url, data)
    assert response.status_code == 302, field_errors(response, "phones")
    contacts.refresh_from_db()
    assert (contacts.office_hours_uk, contacts.office_hours_en) == ("Щодня", "Every day")


def test_editor_writes_the_first_contacts_from_the_list_address(editor):
    response = editor.get(CHANGELIST)
    assert response.status_code == 302 and response["Location"] == ADD
    data = form_data(editor, ADD, phones="+380 44 000-00-01", address_en="Kyiv")
    assert editor.post(ADD, data).status_code == 302
    assert PressContacts.objects.get().address_en == "Kyiv"


def test_the_list_opens_the_one_record_and_a_second_cannot_be_added(editor):
    contacts = make_contacts()
    response = editor.get(CHANGELIST)
    assert response.status_code == 302 and response["Location"] == change_url(contacts)
    assert editor.get(ADD).status_code == 403
    data = form_data(editor, change_url(contacts))
    assert editor.post(ADD, data).status_code == 403
    assert PressContacts.objects.count() == 1
    # No delete button to lose the page with, either.
    assert editor.get(f"/admin/releases/presscontacts/{contacts.pk}/delete/").status_code == 403


def test_a_second_record_is_refused_by_the_model_and_the_database():
    make_contacts()
    second = PressContacts(phones="+380 44 000-00-09")
    with pytest.raises(ValidationError, match="одну сторінку контактів"):
        second.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_press_officer_cannot_see_or_change_the_contacts(press_officer, translator):
    contacts = make_contacts()
    for client in (press_officer, translator):
        assert client.get(change_url(contacts)).status_code == 403
        response = client.post(change_url(contacts), {"phones": "+380 44 999-99-99"})
        assert response.status_code == 403
        assert client.get(ADD).status_code == 403
    contacts.refresh_from_db()
    assert "999" not in contacts.phones


def test_a_wrong_phone_number_is_refused_at_its_field_in_ukrainian_keeping_the_text(editor):
    contacts = make_contacts()
    typed = "+380 44 000-00-01\n<script>alert(1)</script>"
    data = form_data(editor, change_url(contacts), phones=typed, accreditation_en="Kept")
    response = editor.post(change_url(contacts), data)
    assert response.status_code == 200
    errors = field_errors(response, "phones")
    assert "Пишіть один номер телефону в рядку" in errors
    assert "&lt;script&gt;" in response.content.decode()
    textarea = soup_of(response).find("textarea", attrs={"name": "phones"})
    assert textarea.get_text().strip() == typed
    kept = soup_of(response).find("textarea", attrs={"name": "accreditation_en"})
    assert kept.get_text().strip() == "Kept"
    contacts.refresh_from_db()
    assert "script" not in contacts.phones


def test_a_wrong_email_is_refused_at_its_field(editor):
    contacts = make_contacts()
    data = form_data(editor, change_url(contacts), email='"><script>')
    response = editor.post(change_url(contacts), data)
    assert response.status_code == 200
    assert "Введіть коректну адресу електронної пошти." in field_errors(response, "email")


def test_the_demo_has_contacts_in_both_languages_with_invented_numbers():
    call_command("load_demo", no_user=True, verbosity=0)
    contacts = PressContacts.objects.get()
    assert contacts.written_in("uk") and contacts.written_in("en")
    assert contacts.email.endswith("@example.gov.ua")
    assert all(number.startswith("+380 44 000-") for number, _tel in contacts.phone_links())


# The emblem --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "name"), [("/", "Емблема міністерства"), ("/en/", "Emblem of the ministry")]
)
def test_the_emblem_is_in_the_header_with_an_accessible_name(page, url, name):
    _response, soup = page(url)
    emblem = soup.find("header").find("img", class_="site-name__emblem")
    assert emblem["alt"] == name
    assert emblem["src"].endswith(".svg")
    assert emblem["width"] == emblem["height"] == "40"


def test_the_emblem_is_a_self_hosted_svg_without_scripts_or_outside_references(client):
    path = Path(settings.BASE_DIR) / "releases" / "static" / "img" / "emblem.svg"
    svg = path.read_text()
    assert svg.startswith("<svg") and "viewBox" in svg
    assert "<script" not in svg and "href" not in svg and "url(" not in svg
