from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

# Ukrainian at unprefixed URLs, English under /en/; the admin follows the same rule,
# so /admin/ speaks Ukrainian and /en/admin/ English.
urlpatterns = i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("releases.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "releases.views.page_not_found"
handler500 = "releases.views.server_error"
