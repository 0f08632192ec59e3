from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "entente.meetings"
    label = "meetings"
    verbose_name = _("Réunions")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from entente.spaces.sections import SpaceSection, register_section

        from .views import space_section_context

        register_section(
            SpaceSection(
                key="meetings",
                title=_("Réunions"),
                template="meetings/_space_section.html",
                context=space_section_context,
                order=15,
            )
        )
        from . import navigation

        navigation.register()  # the space menu's « Réunions » (entente.core.navigation)

        from entente.core.events import subscribe

        from .convocation import on_event

        subscribe(on_event)  # convocations by e-mail, after commit (retried by the outbox)

        from .sharing import on_event as share_approved_minutes

        subscribe(share_approved_minutes)  # the approved PDF to the attendees, once

        from entente.core.mail import register_personal_link

        from .elected_link import mail_link

        register_personal_link(mail_link)  # the élus' link, in every mail sent to an élu

        from entente.notifications.registry import register_handlers

        from .notifications import HANDLERS

        register_handlers(HANDLERS)

        from django.apps import apps

        if apps.is_installed("entente.search"):
            from entente.search.registry import register_kinds

            from .search import KINDS

            register_kinds(KINDS)
