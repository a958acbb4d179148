from django.urls import path, re_path

from . import archive, feeds, views
from .alerts import views as alerts
from .documents.views import document_download
from .photos.views import photo_download

app_name = "releases"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("releases/", views.ReleaseListView.as_view(), name="list"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("contacts/", views.ContactsView.as_view(), name="contacts"),
    path("subscribe/", alerts.SubscribeView.as_view(), name="alerts_subscribe"),
    path("subscribe/sent/", alerts.SentView.as_view(), name="alerts_sent"),
    path("subscribe/confirm/<str:token>/", alerts.ConfirmView.as_view(), name="alerts_confirm"),
    path(
        "subscribe/unsubscribe/<str:token>/",
        alerts.UnsubscribeView.as_view(),
        name="alerts_unsubscribe",
    ),
    path("archive/", archive.ArchiveIndexView.as_view(), name="archive"),
    # Four digits and two: anything else is not an address of the archive (404).
    re_path(
        r"^archive/(?P<year>[0-9]{4})/$", archive.ArchiveYearView.as_view(), name="archive_year"
    ),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        archive.ArchiveMonthView.as_view(),
        name="archive_month",
    ),
    path("feeds/rss/", feeds.ReleaseFeed(), name="feed_rss"),
    path("feeds/atom/", feeds.AtomReleaseFeed(), name="feed_atom"),
    path("tags/<slug:slug>/rss/", feeds.TagFeed(), name="tag_feed_rss"),
    path("tags/<slug:slug>/atom/", feeds.AtomTagFeed(), name="tag_feed_atom"),
    path("countries/<str:code>/rss/", feeds.CountryFeed(), name="country_feed_rss"),
    path("countries/<str:code>/atom/", feeds.AtomCountryFeed(), name="country_feed_atom"),
    path("officials/<slug:slug>/rss/", feeds.OfficialFeed(), name="official_feed_rss"),
    path("officials/<slug:slug>/atom/", feeds.AtomOfficialFeed(), name="official_feed_atom"),
    path("releases/<slug:slug>/", views.ReleaseDetailView.as_view(), name="detail"),
    path("releases/<slug:slug>/parallel/", views.ParallelView.as_view(), name="parallel"),
    path("preview/<str:token>/", views.PreviewLinkView.as_view(), name="preview"),
    path("embargo/<str:token>/", views.EmbargoLinkView.as_view(), name="embargo"),
    path("officials/<slug:slug>/", views.OfficialDetailView.as_view(), name="official"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("photos/<slug:code>/", views.PhotoDetailView.as_view(), name="photo"),
    path("photos/<slug:code>/download/", photo_download, name="photo_download"),
    path("documents/<int:pk>/", document_download, name="document"),
]
