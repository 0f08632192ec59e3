"""« Mon travail », mounted at the root of tenant hosts and of the bare domain."""

from django.urls import path

from . import views

app_name = "mywork"
urlpatterns = [
    path("mon-travail/", views.my_work_page, name="home"),
]
