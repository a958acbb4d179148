from django.urls import path

from . import views

app_name = "releases"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("releases/", views.ReleaseListView.as_view(), name="list"),
    path("releases/<slug:slug>/", views.ReleaseDetailView.as_view(), name="detail"),
    path("releases/<slug:slug>/parallel/", views.ParallelView.as_view(), name="parallel"),
    path("preview/<str:token>/", views.PreviewLinkView.as_view(), name="preview"),
    path("officials/<slug:slug>/", views.OfficialDetailView.as_view(), name="official"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("photos/<slug:code>/", views.PhotoDetailView.as_view(), name="photo"),
    path("photos/<slug:code>/download/", views.photo_download, name="photo_download"),
]
