from django.urls import path

from . import views

_MEETING = "spaces/<int:space_id>/meetings/<int:pk>/"
urlpatterns = [
    path("spaces/<int:space_id>/meetings/", views.MeetingList.as_view(), name="api-meeting-list"),
    path(_MEETING, views.MeetingDetail.as_view(), name="api-meeting-detail"),
    path(_MEETING + "agenda/", views.AgendaItems.as_view(), name="api-meeting-agenda"),
    path(_MEETING + "attendance/", views.AttendanceView.as_view(), name="api-meeting-attendance"),
    path(
        _MEETING + "agenda/<int:item_id>/decisions/",
        views.Decisions.as_view(),
        name="api-meeting-decisions",
    ),
    path(
        _MEETING + "minutes/approve/",
        views.MinutesApprove.as_view(),
        name="api-meeting-minutes-approve",
    ),
]
