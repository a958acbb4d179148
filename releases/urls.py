from django.urls import path

from . import feeds, views
from .documents.views import document_download
from .photos.views import photo_download

app_name = "releases"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("releases/", views.ReleaseListView.as_view(), name="list"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("contacts/", views.ContactsView.as_view(), name="contacts"),
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
    path("officials/<slug:slug>/", views.OfficialDetailView.as_view(), name="official"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("photos/<slug:code>/", views.PhotoDetailView.as_view(), name="photo"),
    path("photos/<slug:code>/download/", photo_download, name="photo_download"),
    path("documents/<int:pk>/", document_download, name="document"),
]
