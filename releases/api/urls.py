"""/api/v1/: the API, its OpenAPI schema and its browsable docs. Not language-prefixed:
every answer holds both languages."""

from django.urls import include, path
from django.views.generic import RedirectView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("releases", views.ReleaseViewSet, basename="release")
router.register("officials", views.OfficialViewSet, basename="official")
router.register("countries", views.CountryViewSet, basename="country")
router.register("tags", views.TagViewSet, basename="tag")
router.register("photos", views.PhotoViewSet, basename="photo")

urlpatterns = [
    # The API's own address leads to what it offers: its docs.
    path("", RedirectView.as_view(pattern_name="api:docs"), name="root"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
