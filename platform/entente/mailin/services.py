"""E-mail → task: one function, `receive_message`, behind the SMTP receiver and the webhook.

A message to `taches+<token>[+<handle>]@<ENTENTE_MAIL_DOMAIN>` becomes a task when its sender
(the From address) is a member of the address's tenant with the right to edit in the target
space: a space's address creates the task there (assigned to `<handle>`, `@prénom.nom`, when
given); a person's address creates it in the space they chose, assigned to them. Subject →
title, body → sanitised description, attachments → task attachments, all in one transaction:
a refusal leaves nothing behind. The sender then receives an acknowledgment with the link.

Refusals raise `MailRejected`, which carries the SMTP reply. People who have an account get
an explanation by e-mail too; strangers do not (answering forged senders would make us a
source of backscatter spam), they get the SMTP refusal, which their server turns into a bounce.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, make_msgid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage as DjangoEmailMessage
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tenants.utils import tenant_context

from entente.accounts.actors import Acting
from entente.accounts.models import Membership, User
from entente.core.links import absolute_url
from entente.core.mail import one_line
from entente.core.richtext import extract_mentions, sanitize_html
from entente.spaces.models import Space, SpaceMembership, Visibility
from entente.spaces.permissions import can_create_space, space_abilities
from entente.spaces.services import create_space
from entente.tasks.models import Task
from entente.tasks.services import add_attachment, create_task
from tenants.models import Tenant

from .models import InboundAddress, InboundMessage, new_token
from .permissions import may_receive_in, may_renew

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^[0-9a-f]{30}$")


@dataclass(frozen=True)
class Receipt:
    task_id: int
    tenant_schema: str
    url: str
    duplicate: bool = False


class MailRejected(Exception):  # noqa: N818 (a refusal, not a failure of ours)
    """A refused message: `code` is the SMTP reply code, `message` the French explanation."""

    def __init__(self, code: int, status: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.status = status  # the enhanced status code, e.g. 5.1.1
        self.message = message

    @property
    def smtp_reply(self) -> str:
        """SMTP replies are ASCII: the French text without its accents."""
        text = unicodedata.normalize("NFKD", self.message).encode("ascii", "ignore").decode()
        return f"{self.code} {self.status} {' '.join(text.split())}"


def _unknown_recipient() -> MailRejected:
    return MailRejected(
        550, "5.1.1", _("Adresse inconnue : vérifiez l'adresse de réception dans Entente.")
    )


@dataclass(frozen=True)
class Recipient:
    token: str
    handle: str  # "" when no assignee is named


def parse_recipient(address: str) -> Recipient | None:
    """`taches+<token>[+<handle>]@<domain>` → token and handle; None for any other address."""
    _name, addr = getaddresses([address])[0] if address else ("", "")
    local, _at, domain = addr.strip().strip("<>").rpartition("@")
    if domain.lower() != settings.ENTENTE_MAIL_DOMAIN.lower():
        return None
    parts = local.split("+", 2)
    if len(parts) < 2 or parts[0].lower() != settings.ENTENTE_MAIL_LOCAL_PART.lower():
        return None
    token = parts[1].lower()
    if not TOKEN_RE.match(token):
        return None
    return Recipient(token=token, handle=parts[2] if len(parts) == 3 else "")


def address_for(envelope_to: str) -> tuple[InboundAddress, Recipient] | None:
    recipient = parse_recipient(envelope_to)
    if recipient is None:
        return None
    address = (
        InboundAddress.objects.select_related("tenant", "user")
        .filter(token=recipient.token)
        .first()
    )
    if address is None or not address.tenant.is_writable:
        return None
    return address, recipient


def is_known_recipient(envelope_to: str) -> bool:
    """For the SMTP RCPT stage: refuse unknown addresses before the message is sent."""
    return address_for(envelope_to) is not None


def _parse(raw: bytes) -> EmailMessage:
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        sender = message["From"]
    except Exception as error:  # the policy parses headers lazily and may raise on garbage
        raise MailRejected(
            554, "5.6.0", _("Message illisible : renvoyez-le depuis votre messagerie habituelle.")
        ) from error
    if not sender:
        raise MailRejected(554, "5.6.0", _("Message sans expéditeur : il ne peut pas être traité."))
    return message


def _sender_email(message: EmailMessage) -> str:
    try:
        addresses = getaddresses([str(message["From"])])
    except Exception:
        addresses = []
    emails = [addr for _name, addr in addresses if "@" in addr]
    if len(emails) != 1:
        raise MailRejected(
            554, "5.6.0", _("Expéditeur illisible : le message doit venir d'une seule adresse.")
        )
    return emails[0].lower()


def _is_automatic(message: EmailMessage) -> bool:
    """Auto-replies, bounces and lists never make tasks, and never get an answer (no loops)."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return auto != "no" or precedence in {"bulk", "junk", "list"}


def _body(message: EmailMessage) -> str:
    """Sanitised HTML for the task's description: the text part, else the cleaned HTML part."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if part.get_content_type() == "text/html":
        return sanitize_html(content)
    return linebreaks(escape(content.strip()))


def _attachments(message: EmailMessage) -> list[SimpleUploadedFile]:
    files = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload:
            continue
        name = part.get_filename() or _("piece-jointe")
        files.append(SimpleUploadedFile(name, payload, content_type=part.get_content_type()))
    return files


def task_url(task: Task, tenant: Tenant) -> str:
    """The task's page if the tasks app names one, else its space's page."""
    for name, kwargs in (
        ("tasks:detail", {"space_id": task.space_id, "pk": task.pk}),
        ("tasks:detail", {"pk": task.pk}),
        ("spaces:detail", {"space_id": task.space_id}),
    ):
        try:
            path = reverse(name, kwargs=kwargs, urlconf=settings.ROOT_URLCONF)
        except NoReverseMatch:
            continue
        return absolute_url(tenant.primary_host, path)
    return absolute_url(tenant.primary_host, "/")


def _reject(code: int, status: str, message: str, *, tell: User | None) -> MailRejected:
    rejection = MailRejected(code, status, message)
    rejection.tell = tell  # type: ignore[attr-defined]
    return rejection


def _create(
    address: InboundAddress,
    recipient: Recipient,
    message: EmailMessage,
    sender: User | None,
    message_id: str,
) -> Receipt:
    tenant = address.tenant
    if sender is None:
        raise MailRejected(
            550,
            "5.7.1",
            _(
                "Expéditeur inconnu : seuls les membres de la collectivité peuvent créer "
                "des tâches par e-mail."
            ),
        )
    membership = Membership.objects.filter(tenant=tenant, user=sender).first()
    if membership is None:
        reason = _(
            "Vous n'êtes pas membre de %(tenant)s : demandez à un administrateur de vous inviter."
        ) % {"tenant": tenant.name}
        raise _reject(550, "5.7.1", reason, tell=sender)
    membership.tenant = tenant
    if address.space_id is not None:
        space = Space.objects.filter(pk=address.space_id, archived_at__isnull=True).first()
    else:
        space = personal_target(address, membership, create=True)
    if space is None:
        reason = _(
            "Cette adresse ne mène à aucun espace actif : choisissez un espace par défaut "
            "dans « Mes adresses de réception »."
        )
        raise _reject(550, "5.1.1", reason, tell=sender)
    if not may_receive_in(membership, space):
        reason = _(
            "Vous ne pouvez pas créer de tâche dans l'espace « %(space)s » : "
            "demandez-y le rôle d'éditeur."
        ) % {"space": space.name}
        raise _reject(550, "5.7.1", reason, tell=sender)

    existing = InboundMessage.objects.filter(address=address, message_id=message_id).first()
    if existing is not None:  # a relay retrying: the task exists, say so again without a copy
        task = Task.objects.filter(pk=existing.task_id).first()
        url = task_url(task, tenant) if task else absolute_url(tenant.primary_host, "/")
        return Receipt(existing.task_id, tenant.schema_name, url, duplicate=True)

    if address.user_id is not None:
        assignees = [address.user_id]
    elif recipient.handle:
        people = {
            m.user_id: m.user.email
            for m in Membership.objects.filter(tenant=tenant).select_related("user")
        }
        found = extract_mentions(f"@{recipient.handle}", people)
        if not found:
            reason = _(
                "Personne ne répond au nom « %(handle)s » : écrivez la partie avant @ de son "
                "adresse, par exemple taches+…+claire.morand@…"
            ) % {"handle": recipient.handle}
            raise _reject(550, "5.1.1", reason, tell=sender)
        assignees = sorted(found)
    else:
        assignees = []

    subject = " ".join(str(message.get("Subject", "")).split())
    description = _body(message)
    if not subject:
        subject = _("Tâche reçue par e-mail")
    try:
        task = create_task(
            membership,
            space=space,
            title=subject,
            description=description,
            assignee_ids=assignees,
        )
        for upload in _attachments(message):
            add_attachment(membership, task, upload=upload)
    except ValidationError as error:
        detail = " ".join(str(m) for m in error.messages)
        raise _reject(
            550,
            "5.7.1",
            _("La tâche n'a pas pu être créée : %(detail)s") % {"detail": detail},
            tell=sender,
        ) from error
    except PermissionDenied as error:
        raise _reject(550, "5.7.1", str(error), tell=sender) from error
    InboundMessage.objects.create(address=address, message_id=message_id, task_id=task.pk)
    url = task_url(task, tenant)
    reply_to = str(message.get("Message-ID", "")).strip()
    transaction.on_commit(
        lambda: send_acknowledgment(sender, task.title, url, space.name, reply_to)
    )
    return Receipt(task.pk, tenant.schema_name, url)


def receive_message(raw_bytes: bytes, *, envelope_to: str) -> Receipt:
    """Turn one raw RFC 822 message for `envelope_to` into a task, or raise `MailRejected`."""
    if len(raw_bytes) > settings.ENTENTE_SMTP_MAX_MESSAGE_BYTES:
        reason = _(
            "Message trop lourd (%(max)d Mo au plus) : envoyez les pièces jointes par un lien."
        ) % {"max": settings.ENTENTE_SMTP_MAX_MESSAGE_BYTES // 1_048_576}
        raise MailRejected(552, "5.3.4", reason)
    found = address_for(envelope_to)
    if found is None:
        raise _unknown_recipient()
    address, recipient = found
    message = _parse(raw_bytes)
    if _is_automatic(message):
        raise MailRejected(550, "5.7.1", _("Les réponses automatiques ne créent pas de tâche."))
    sender_email = _sender_email(message)
    sender = User.objects.filter(email__iexact=sender_email, is_active=True).first()
    message_id = str(message.get("Message-ID", "")).strip()[:998] or (
        "sha256:" + hashlib.sha256(raw_bytes).hexdigest()
    )
    try:
        with tenant_context(address.tenant), transaction.atomic():
            return _create(address, recipient, message, sender, message_id)
    except MailRejected as rejection:
        tell: User | None = getattr(rejection, "tell", None)
        if tell is not None:
            send_refusal(
                tell, rejection, str(message.get("Subject", "")), str(message.get("Message-ID", ""))
            )
        logger.info("Inbound mail to %s refused: %s", envelope_to, rejection.smtp_reply)
        raise


def _auto_reply(to: str, subject: str, body: str, in_reply_to: str) -> None:
    headers = {
        "Auto-Submitted": "auto-replied",
        "Message-ID": make_msgid(domain=settings.ENTENTE_MAIL_DOMAIN),
    }
    if in_reply_to:
        headers["In-Reply-To"] = headers["References"] = one_line(in_reply_to)
    DjangoEmailMessage(subject=one_line(subject), body=body, to=[to], headers=headers).send()


def send_acknowledgment(
    sender: User, title: str, url: str, space_name: str, in_reply_to: str
) -> None:
    with override(sender.language or "fr"):
        body = _(
            "Bonjour,\n\nVotre message est devenu une tâche dans l'espace « %(space)s » :\n\n"
            "  %(title)s\n  %(url)s\n\n"
            "Vous pouvez la compléter, l'attribuer ou la commenter depuis ce lien.\n\n"
            "— Entente"
        ) % {"space": space_name, "title": title, "url": url}
        _auto_reply(
            sender.email, _("Tâche créée : %(title)s") % {"title": title}, body, in_reply_to
        )


def send_refusal(sender: User, rejection: MailRejected, subject: str, in_reply_to: str) -> None:
    with override(sender.language or "fr"):
        body = _(
            "Bonjour,\n\nVotre message « %(subject)s » n'a pas été transformé en tâche :\n\n"
            "  %(reason)s\n\nRien n'a été créé. Corrigez puis renvoyez le message.\n\n— Entente"
        ) % {"subject": subject or _("(sans objet)"), "reason": rejection.message}
        _auto_reply(
            sender.email,
            _("Message non traité : %(subject)s") % {"subject": subject or _("(sans objet)")},
            body,
            in_reply_to,
        )


def _editable_memberships(membership: Membership) -> list[Space]:
    """The active spaces the person belongs to (a space membership) and may add tasks to."""
    roles = dict(
        SpaceMembership.objects.filter(
            user_id=membership.user_id, space__archived_at__isnull=True
        ).values_list("space_id", "role")
    )
    spaces = Space.objects.filter(pk__in=roles).order_by("name")
    return [space for space in spaces if space_abilities(membership, space, roles[space.pk]).edit]


def personal_target(
    address: InboundAddress, membership: Membership, *, create: bool = False
) -> Space | None:
    """Where mail to a person's own address goes, so that the first message already works:

    the space they chose (while it is active and open to their edits); else the only space
    they belong to; else their personal tasks space, made on the first message (`create`) and
    then kept as their choice. None: not made yet, or the person may open no space (a guest).
    """
    if address.default_space_id is not None:
        chosen = Space.objects.filter(pk=address.default_space_id, archived_at__isnull=True).first()
        if chosen is not None and may_receive_in(membership, chosen):
            return chosen
    mine = _editable_memberships(membership)
    if len(mine) == 1:
        return mine[0]
    if not create or not can_create_space(membership):
        return None
    user = membership.user
    space = create_space(
        membership,
        name=_("Tâches de %(name)s") % {"name": user.display_name},
        visibility=Visibility.PRIVATE,
        description=_("Vos tâches personnelles, dont celles reçues par e-mail."),
    )
    set_default_space(membership, space)
    return space


@transaction.atomic
def address_of_space(tenant: Tenant, space: Space) -> InboundAddress:
    address, _created = InboundAddress.objects.get_or_create(tenant=tenant, space_id=space.pk)
    return address


@transaction.atomic
def address_of_person(tenant: Tenant, user: User) -> InboundAddress:
    address, _created = InboundAddress.objects.get_or_create(tenant=tenant, user=user)
    return address


@transaction.atomic
def set_default_space(acting: Membership, space: Space | None) -> InboundAddress:
    """Where the tasks sent to `acting`'s personal address land (None: nowhere yet)."""
    if space is not None and not may_receive_in(acting, space):
        raise PermissionDenied(
            _("Choisissez un espace où vous êtes éditeur : vous ne pouvez pas créer de tâche ici.")
        )
    address = address_of_person(acting.tenant, acting.user)
    address.default_space_id = space.pk if space else None
    address.save(update_fields=["default_space_id"])
    return address


@transaction.atomic
def renew_token(acting: Acting, address: InboundAddress) -> InboundAddress:
    """A leaked address stops working at once; the new one must be given out again."""
    if not may_renew(acting, address):
        raise PermissionDenied(
            _(
                "Seul le titulaire d'une adresse personnelle, ou les éditeurs d'un espace pour "
                "son adresse, peuvent la renouveler."
            )
        )
    address.token = new_token()
    address.save(update_fields=["token"])
    return address
