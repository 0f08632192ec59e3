"""Meeting pages, mounted at the tenant host's root (see entente.config.urls_tenants)."""

from django.urls import path

from . import calendar_views, elected_views, views

app_name = "meetings"
_MEETING = "espaces/<int:space_id>/reunions/<int:pk>/"
urlpatterns = [
    path("espaces/<int:space_id>/reunions/", views.meeting_list, name="meeting_list"),
    path("espaces/<int:space_id>/reunions/nouvelle/", views.meeting_create, name="meeting_create"),
    path(_MEETING, views.meeting_detail, name="meeting_detail"),
    path(_MEETING + "modifier/", views.meeting_edit, name="meeting_edit"),
    path(_MEETING + "presences/", views.attendance, name="attendance"),
    path(_MEETING + "ordre-du-jour/", views.agenda_add, name="agenda_add"),
    path(_MEETING + "ordre-du-jour/<int:item_id>/deplacer/", views.agenda_move, name="agenda_move"),
    path(_MEETING + "points/<int:item_id>/compte-rendu/", views.item_minutes, name="item_minutes"),
    path(_MEETING + "points/<int:item_id>/decisions/", views.decision_add, name="decision_add"),
    path(_MEETING + "proces-verbal/soumettre/", views.minutes_submit, name="minutes_submit"),
    path(_MEETING + "proces-verbal/approuver/", views.minutes_approve, name="minutes_approve"),
    path(_MEETING + "convoquer/", views.convene, name="convene"),
    path(_MEETING + "extrait/publier/", views.extract_publish, name="extract_publish"),
    # A public project's published extracts, for its citizens (extract.py).
    path("espaces/<int:space_id>/seances-publiques/", views.public_extracts, name="extracts"),
    path(
        "espaces/<int:space_id>/seances-publiques/<int:pk>/",
        views.public_extract,
        name="extract",
    ),
    path(_MEETING + "report/", views.carry_over, name="carry_over"),
    path(_MEETING + "points/<int:item_id>/documents/", views.item_document, name="item_document"),
    path(_MEETING + "proces-verbal.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("mes-seances/", views.elected_view, name="elected"),
    # The élus' link of their e-mails: open, its signed token is the key (elected_link.py).
    path("mes-seances/acces/<str:token>/", elected_views.open_link, name="elected_link"),
    path("mes-seances/liens/desactiver/", elected_views.revoke_links, name="elected_links_revoke"),
    path(
        "administration/lien-des-elus/",
        elected_views.link_policy,
        name="elected_link_policy",
    ),
    path("mon-calendrier/", calendar_views.my_calendar, name="my_calendar"),
    path("mon-calendrier/flux/", views.feed_token, name="feed_token"),
    path(
        "espaces/<int:space_id>/calendrier/",
        calendar_views.space_calendar,
        name="space_calendar",
    ),
    path(
        "espaces/<int:space_id>/calendrier/flux/",
        calendar_views.space_feed_token,
        name="space_feed_token",
    ),
    # The private feeds: open to any client holding the token (entente.accounts.middleware lets
    # every address under /calendrier/ through).
    path("calendrier/<str:token>.ics", calendar_views.calendar_feed, name="feed"),
    path(
        "calendrier/espaces/<int:space_id>/<str:token>.ics",
        calendar_views.space_feed,
        name="space_feed",
    ),
]
