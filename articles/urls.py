from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("faqs/", views.FAQListView.as_view(), name="faq-list"),
    path("faqs/<slug:slug>/", views.FAQDetailView.as_view(), name="faq-detail"),
    path("treatments/", views.TreatmentListView.as_view(), name="treatment-list"),
    path("treatments/<slug:slug>/", views.TreatmentDetailView.as_view(), name="treatment-detail"),
    path("triggers/", views.TriggerListView.as_view(), name="trigger-list"),
    path("triggers/<slug:slug>/", views.TriggerDetailView.as_view(), name="trigger-detail"),
    path("reviewers/<slug:slug>/", views.ReviewerDetailView.as_view(), name="reviewer-detail"),
]
