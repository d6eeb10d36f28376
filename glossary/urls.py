from django.urls import path

from . import views

app_name = "glossary"

urlpatterns = [
    path("", views.TermListView.as_view(), name="term-list"),
    path("<slug:slug>/", views.TermDetailView.as_view(), name="term-detail"),
]
