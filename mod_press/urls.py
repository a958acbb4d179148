from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin

# Ukrainian at unprefixed URLs, English under /en/; the admin follows the same rule,
# so /admin/ speaks Ukrainian and /en/admin/ English.
from django.contrib.sitemaps import views as sitemap_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from mod_press.interface_strings import views as interface_strings
from releases import accounts
from releases.admin.common import view_on_site
from releases.photos.views import photo_rendition
from releases.security import security_txt
from releases.sitemaps import SITEMAPS
from releases.views import official_portrait, robots_txt

urlpatterns = [
    # Language-neutral: the same image serves both language versions.
    path("renditions/<slug:code>/<slug:spec>.<str:ext>", photo_rendition, name="rendition"),
    path("portraits/<slug:key>", official_portrait, name="portrait"),
    path("robots.txt", robots_txt, name="robots"),
    # Browsers ask for /favicon.ico whatever a page links to. Not permanent: the static
    # file's hashed name changes with each version.
    path("favicon.ico", lambda request: redirect(static("favicon.svg")), name="favicon"),
    path(".well-known/security.txt", security_txt, name="security-txt"),
    # The read-only JSON API: both languages in every answer, so not under /en/.
    path("api/v1/", include("releases.api.urls")),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]
urlpatterns += i18n_patterns(
    # Two-step sign-in for staff (releases/accounts.py), inside the admin's look and rules.
    path("admin/two-step/", admin.site.admin_view(accounts.two_step), name="two-step"),
    path(
        "admin/two-step/recovery-codes/",
        admin.site.admin_view(accounts.recovery_codes),
        name="two-step-recovery-codes",
    ),
    path(
        "admin/two-step/remove/",
        admin.site.admin_view(accounts.two_step_remove),
        name="two-step-remove",
    ),
    # Before the admin's own: "view on site" only for those who may view the object.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="view_on_site",
    ),
    path("admin/", admin.site.urls),
    path("translations/upload/", interface_strings.upload_catalogue, name="translations-upload"),
    # Translators work on this project's catalogues only, not Django's or other packages'.
    re_path(
        r"^translations/files/(?:django|third-party|all)/",
        RedirectView.as_view(pattern_name="rosetta-file-list"),
        {"po_filter": "project"},
    ),
    # Rosetta's editor and download, saving in make messages' layout and naming no path.
    re_path(
        r"^translations/files/(?P<po_filter>project)/(?P<lang_id>[\w-]+)/(?P<idx>\d+)/$",
        interface_strings.TranslationFormView.as_view(),
        name="rosetta-form",
    ),
    re_path(
        r"^translations/files/(?P<po_filter>project)/(?P<lang_id>[\w-]+)/(?P<idx>\d+)/download/$",
        interface_strings.TranslationFileDownload.as_view(),
        name="rosetta-download-file",
    ),
    path("translations/", include("rosetta.urls")),
    path("", include("releases.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    # Development and tests only; in production the web server in front serves media.
    def serve_media(request, path):
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media)]

handler400 = "releases.views.bad_request"
handler404 = "releases.views.page_not_found"
handler500 = "releases.views.server_error"
