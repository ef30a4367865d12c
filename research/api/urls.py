"""API URLs, mounted at /api/ by config/urls.py."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from research.api import views

app_name = "api"
urlpatterns = [
    path("", views.api_root_view, name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("token/", views.api_token_view, name="token"),
    path("v1/communities/", views.CommunityListView.as_view(), name="communities"),
    path("v1/communities/<slug:slug>/themes/", views.ThemeListView.as_view(), name="themes"),
    path("v1/communities/<slug:slug>/gap/", views.PerceptionGapView.as_view(), name="gap"),
    path("v1/communities/<slug:slug>/posts/", views.PostListView.as_view(), name="posts"),
]
