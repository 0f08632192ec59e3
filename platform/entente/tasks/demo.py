"""Realistic tasks for the demo (`seed_demo` calls `seed_tasks` inside the tenant's context).

Idempotent: a space that already holds any of these titles gets nothing more, so a second
seed creates nothing. Dates are relative to today, so the demo always shows overdue tasks,
tasks due this week and later ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from entente.accounts.actors import DEMO
from entente.accounts.models import User
from entente.spaces.models import Space

from . import labels as label_services
from . import services
from .models import Label, Task, TaskPriority, TaskStatus
from .selectors import people_who_can_view

LABELS = (
    ("Voirie", "#1f6feb"),
    ("Écoles", "#ffd700"),
    ("Conseil municipal", "#6a1b9a"),
    ("Eau et assainissement", "#2e7d32"),
    ("Urgent sécurité", "#c62828"),
)

# title, description, status, priority, due in days (None: no date), labels, recurrence
TASKS: tuple[tuple[Any, ...], ...] = (
    (
        "Préparer l'ordre du jour du conseil municipal",
        "<p>Recueillir les points des adjoints et envoyer la convocation 5 jours francs avant.</p>",
        TaskStatus.IN_PROGRESS,
        TaskPriority.HIGH,
        6,
        ["Conseil municipal"],
        {"recurrence_frequency": "monthly_weekday", "recurrence_weekday": 1, "recurrence_week": 2},
    ),
    (
        "Reboucher les nids-de-poule rue des Lilas",
        "<p>Signalés par trois riverains ; prévoir l'enrobé à froid.</p>",
        TaskStatus.TODO,
        TaskPriority.URGENT,
        -3,
        ["Voirie", "Urgent sécurité"],
        {},
    ),
    (
        "Relever les compteurs d'eau des bâtiments communaux",
        "<p>Mairie, école, salle des fêtes, stade.</p>",
        TaskStatus.TODO,
        TaskPriority.NORMAL,
        2,
        ["Eau et assainissement"],
        {"recurrence_frequency": "monthly", "recurrence_interval": 3},
    ),
    (
        "Commander les fournitures de la rentrée",
        "<p>Liste validée par la directrice de l'école.</p>",
        TaskStatus.WAITING,
        TaskPriority.NORMAL,
        12,
        ["Écoles"],
        {},
    ),
    (
        "Vérifier les extincteurs de la salle des fêtes",
        "",
        TaskStatus.TODO,
        TaskPriority.HIGH,
        20,
        ["Urgent sécurité"],
        {"recurrence_frequency": "yearly"},
    ),
    (
        "Mettre à jour le registre des arrêtés",
        "",
        TaskStatus.DONE,
        TaskPriority.LOW,
        -10,
        [],
        {},
    ),
    (
        "Rédiger l'article du bulletin municipal sur les travaux",
        "<p>800 signes, une photo du chantier.</p>",
        TaskStatus.TODO,
        TaskPriority.LOW,
        None,
        [],
        {},
    ),
)

COMMENTS = (
    "J'ai appelé l'entreprise, passage prévu jeudi matin.",
    "Merci ! Pensez à prévenir les riverains la veille.",
)


def _labels() -> dict[str, Label]:
    found = {label.name: label for label in Label.objects.all()}
    for name, color in LABELS:
        if name not in found:
            found[name] = label_services.create_label(DEMO, name=name, color=color)
    return found


@transaction.atomic
def seed_tasks(space: Space, people: Sequence[User], *, today: datetime.date | None = None) -> int:
    """Add the demo tasks to `space` (in the current tenant); return how many were created.

    `people` are the space's people, the first one writing: the tasks go round them as
    assignees and observers (those who cannot see the space are left out).
    """
    if Task.objects.filter(space=space, title__in=[t[0] for t in TASKS]).exists():
        return 0
    tenant = getattr(connection, "tenant", None)
    allowed = {user.pk for user in people_who_can_view(space, tenant)} if tenant else set()
    team = [person for person in people if person.pk in allowed] or list(people[:1])
    if not team:
        return 0
    today = today or timezone.localdate()
    labels = _labels()
    author = team[0]
    made = 0
    for index, (title, description, status, priority, due_in, label_names, rule) in enumerate(
        TASKS
    ):
        due = today + datetime.timedelta(days=due_in) if due_in is not None else None
        assignee = team[index % len(team)]
        observer = team[(index + 1) % len(team)]
        task = services.create_task(
            DEMO.on_behalf_of(author),
            space=space,
            title=title,
            description=description,
            assignee_ids=[assignee.pk] if assignee.pk in allowed else [],
            observer_ids=[observer.pk] if observer.pk in allowed and observer != assignee else [],
            label_ids=[labels[name].pk for name in label_names],
            due_date=due,
            priority=priority,
            status=status,
            **rule,
        )
        made += 1
        if index == 1 and len(team) > 1:
            services.add_comment(DEMO.on_behalf_of(team[1]), task, body=COMMENTS[0])
            services.add_comment(DEMO.on_behalf_of(author), task, body=COMMENTS[1])
    return made
