"""Writes of procedure templates and checklists, in the current tenant's schema."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from entente.accounts.actors import Acting
from entente.accounts.models import Membership, User
from entente.activity.services import record_activity
from entente.spaces.models import Space, SpaceMembership
from entente.spaces.permissions import space_abilities
from entente.tasks.models import Task
from entente.tasks.services import complete_task, create_task

from .models import AssigneeRole, Checklist, ChecklistItem, ProcedureTemplate, TemplateItem
from .permissions import checklist_abilities, template_abilities

# Procedures span months at most; a typo like "-3000" should be refused, not scheduled.
MAX_OFFSET_DAYS = 3660


@dataclass(frozen=True)
class ItemSpec:
    """One item of a template, as a form or the API gives it."""

    title: str
    due_offset_days: int = 0
    assignee_id: int | None = None
    assignee_role: str = ""
    notes: str = ""


def _require_edit(acting: Acting) -> None:
    if not template_abilities(acting).edit:
        raise PermissionDenied(
            _("Seuls les agents et les administrateurs modifient les procédures.")
        )


def _clean_spec(spec: ItemSpec) -> ItemSpec:
    title = spec.title.strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Donnez un intitulé à l'étape.")
    if abs(spec.due_offset_days) > MAX_OFFSET_DAYS:
        errors["due_offset_days"] = _(
            "L'échéance doit rester à moins de %(days)s jours de la date de référence."
        ) % {"days": MAX_OFFSET_DAYS}
    if spec.assignee_id is not None and spec.assignee_role:
        errors["assignee_role"] = _("Choisissez une personne ou un rôle, pas les deux.")
    if spec.assignee_role and spec.assignee_role not in AssigneeRole.values:
        errors["assignee_role"] = _("Ce rôle n'existe pas.")
    if (
        spec.assignee_id is not None
        and not Membership.objects.filter(
            tenant_id=connection.tenant.pk,  # type: ignore[attr-defined]
            user_id=spec.assignee_id,
        ).exists()
    ):
        errors["assignee_id"] = _("Cette personne n'est pas membre de la collectivité.")
    if errors:
        raise ValidationError(errors)
    return ItemSpec(
        title=title[:300],
        due_offset_days=spec.due_offset_days,
        assignee_id=spec.assignee_id,
        assignee_role=spec.assignee_role,
        notes=spec.notes.strip(),
    )


def _record(actor: User | None, verb: str, template: ProcedureTemplate, summary: str) -> None:
    """One line of the tenant's feed about a procedure template (it belongs to no space)."""
    record_activity(
        actor=actor,
        verb=verb,
        object_type="procedure_template",
        object_id=template.pk,
        summary=summary,
    )


@transaction.atomic
def create_template(
    acting: Acting,
    *,
    name: str,
    description: str = "",
    items: Sequence[ItemSpec] = (),
) -> ProcedureTemplate:
    _require_edit(acting)
    actor = acting.user
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Donnez un nom à la procédure.")})
    template = ProcedureTemplate.objects.create(
        name=name[:200], description=description.strip(), created_by=actor
    )
    _write_items(template, items)
    _record(
        actor,
        "procedure.created",
        template,
        _("Procédure créée : %(name)s") % {"name": template.name},
    )
    return template


def _write_items(template: ProcedureTemplate, items: Sequence[ItemSpec]) -> None:
    cleaned = [_clean_spec(spec) for spec in items]
    TemplateItem.objects.bulk_create(
        TemplateItem(
            template=template,
            position=index,
            title=spec.title,
            notes=spec.notes,
            due_offset_days=spec.due_offset_days,
            assignee_id=spec.assignee_id,
            assignee_role=spec.assignee_role,
        )
        for index, spec in enumerate(cleaned)
    )


@transaction.atomic
def update_template(
    acting: Acting,
    template: ProcedureTemplate,
    *,
    name: str | None = None,
    description: str | None = None,
    items: Sequence[ItemSpec] | None = None,
) -> ProcedureTemplate:
    """Change a template; `items`, when given, replace its items.

    Launched checklists keep their own copy: nothing here touches them.
    """
    _require_edit(acting)
    actor = acting.user
    fields = ["updated_at"]
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": _("Donnez un nom à la procédure.")})
        template.name = name.strip()[:200]
        fields.append("name")
    if description is not None:
        template.description = description.strip()
        fields.append("description")
    template.save(update_fields=fields)
    if items is not None:
        template.items.all().delete()
        _write_items(template, items)
    _record(
        actor,
        "procedure.updated",
        template,
        _("Procédure modifiée : %(name)s") % {"name": template.name},
    )
    return template


@transaction.atomic
def delete_template(acting: Acting, template: ProcedureTemplate) -> None:
    _require_edit(acting)
    _record(
        acting.user,
        "procedure.deleted",
        template,
        _("Procédure supprimée : %(name)s") % {"name": template.name},
    )
    template.delete()


@transaction.atomic
def add_item(acting: Acting, template: ProcedureTemplate, spec: ItemSpec) -> TemplateItem:
    _require_edit(acting)
    spec = _clean_spec(spec)
    last = template.items.aggregate(last=Max("position"))["last"]
    item = TemplateItem.objects.create(
        template=template,
        position=0 if last is None else last + 1,
        title=spec.title,
        notes=spec.notes,
        due_offset_days=spec.due_offset_days,
        assignee_id=spec.assignee_id,
        assignee_role=spec.assignee_role,
    )
    template.save(update_fields=["updated_at"])
    return item


@transaction.atomic
def update_item(acting: Acting, item: TemplateItem, spec: ItemSpec) -> TemplateItem:
    _require_edit(acting)
    spec = _clean_spec(spec)
    item.title = spec.title
    item.notes = spec.notes
    item.due_offset_days = spec.due_offset_days
    item.assignee_id = spec.assignee_id
    item.assignee_role = spec.assignee_role
    item.save(update_fields=["title", "notes", "due_offset_days", "assignee", "assignee_role"])
    return item


@transaction.atomic
def delete_item(acting: Acting, item: TemplateItem) -> None:
    _require_edit(acting)
    item.delete()


@transaction.atomic
def move_item(acting: Acting, item: TemplateItem, *, up: bool) -> None:
    """Swap the item with its neighbour (positions are renumbered 0..n-1 on the way)."""
    _require_edit(acting)
    items = list(TemplateItem.objects.select_for_update().filter(template_id=item.template_id))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if up else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items):
        other.position = position
    TemplateItem.objects.bulk_update(items, ["position"])


def due_date_for(reference_date: datetime.date, offset_days: int) -> datetime.date:
    return reference_date + datetime.timedelta(days=offset_days)


def _space_people(space: Space) -> dict[int, str]:
    """Space members (id → tenant role) who are members of the tenant."""
    member_ids = list(SpaceMembership.objects.filter(space=space).values_list("user_id", flat=True))
    return dict(
        Membership.objects.filter(
            tenant_id=connection.tenant.pk,  # type: ignore[attr-defined]
            user_id__in=member_ids,
            user__is_active=True,
        ).values_list("user_id", "role")
    )


def _can_view(user_id: int, space: Space) -> bool:
    membership = (
        Membership.objects.filter(tenant_id=connection.tenant.pk, user_id=user_id)  # type: ignore[attr-defined]
        .select_related("tenant")
        .first()
    )
    role = SpaceMembership.objects.filter(space=space, user_id=user_id).values_list(
        "role", flat=True
    )
    return space_abilities(membership, space, role.first()).view


@transaction.atomic
def launch_template(
    acting: Acting,
    template: ProcedureTemplate,
    *,
    space: Space,
    reference_date: datetime.date,
    name: str = "",
) -> Checklist:
    """Copy the template into `space` as a checklist whose items are tasks with due dates.

    Role assignees become the space's members holding that tenant role (none: unassigned); a
    named person who cannot see the space is left out rather than handed an invisible task.
    """
    if not checklist_abilities(acting, space).edit:
        raise PermissionDenied(_("Vous ne pouvez pas lancer de procédure dans cet espace."))
    actor = acting.user
    items = list(template.items.all())
    if not items:
        raise ValidationError(
            _("Cette procédure n'a aucune étape : ajoutez-en avant de la lancer.")
        )
    label = name.strip() or _("%(name)s du %(date)s") % {
        "name": template.name,
        "date": reference_date.strftime("%d/%m/%Y"),
    }
    checklist = Checklist.objects.create(
        space=space,
        template=template,
        name=label[:200],
        reference_date=reference_date,
        created_by=actor,
    )
    people = _space_people(space)
    visible: dict[int, bool] = {}
    for position, item in enumerate(items):
        if item.assignee_role:
            assignees = sorted(uid for uid, role in people.items() if role == item.assignee_role)
        elif item.assignee_id is not None:
            if item.assignee_id not in visible:
                visible[item.assignee_id] = _can_view(item.assignee_id, space)
            assignees = [item.assignee_id] if visible[item.assignee_id] else []
        else:
            assignees = []
        task = create_task(
            acting,
            space=space,
            title=item.title,
            description=item.notes,
            assignee_ids=assignees,
            due_date=due_date_for(reference_date, item.due_offset_days),
        )
        ChecklistItem.objects.create(
            checklist=checklist,
            position=position,
            title=item.title,
            due_offset_days=item.due_offset_days,
            task=task,
        )
    record_activity(
        actor=actor,
        verb="checklist.launched",
        object_type="checklist",
        object_id=checklist.pk,
        summary=_("Procédure lancée : %(name)s") % {"name": checklist.name},
        space_id=space.pk,
    )
    return checklist


@transaction.atomic
def complete_item(acting: Acting, item: ChecklistItem) -> Task:
    """Completing a step is completing its task (one truth: the task's status), for whoever
    may edit the checklists of its space."""
    if not checklist_abilities(acting, item.checklist.space).edit:
        raise PermissionDenied(_("Vous ne pouvez pas cocher les étapes de cette procédure."))
    if item.task is None:
        raise ValidationError(_("La tâche de cette étape a été supprimée."))
    return complete_task(acting, item.task)
