"""Profile URLs."""

from django.urls import path

from learning.accounts import views

urlpatterns = [path("", views.profile_edit, name="profile_edit")]
