"""Real municipal procedures, in French: the starter set a collectivité adds in one click from
an empty « Procédures » page, and the demo's (called by `seed_demo`).

Offsets follow the law where it sets one; the notes say which text and when it differs by the
size of the commune, so the template teaches the procedure it runs.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import AssigneeRole, ProcedureTemplate
from .services import ItemSpec, create_template

ADMIN, AGENT, ELECTED = AssigneeRole.ADMIN, AssigneeRole.AGENT, AssigneeRole.ELECTED

PROCEDURES: list[tuple[str, str, list[ItemSpec]]] = [
    (
        "Préparer une séance du conseil municipal",
        "De l'ordre du jour à la transmission des délibérations au contrôle de légalité. "
        "J0 : le jour de la séance.",
        [
            ItemSpec("Arrêter l'ordre du jour avec le maire", -15, assignee_role=ELECTED),
            ItemSpec(
                "Rédiger les notes explicatives de synthèse",
                -10,
                assignee_role=AGENT,
                notes="Obligatoires dans les communes de 3 500 habitants et plus "
                "(art. L2121-12 du CGCT), jointes à la convocation.",
            ),
            ItemSpec("Préparer les projets de délibération", -8, assignee_role=AGENT),
            ItemSpec(
                "Envoyer la convocation aux conseillers",
                -6,
                assignee_role=AGENT,
                notes="Au moins 5 jours francs avant la séance dans les communes de 3 500 "
                "habitants et plus (L2121-12 CGCT), 3 jours francs en dessous (L2121-11) : "
                "ni le jour d'envoi ni celui de la séance ne comptent, d'où J-6 (J-4 pour "
                "les plus petites). Par voie dématérialisée, sauf demande contraire.",
            ),
            ItemSpec(
                "Publier la convocation et l'ordre du jour",
                -6,
                assignee_role=AGENT,
                notes="Affichage en mairie et publication sur le site internet le cas échéant "
                "(L2121-10 CGCT).",
            ),
            ItemSpec("Préparer la salle, le quorum et les pouvoirs", -1, assignee_role=AGENT),
            ItemSpec(
                "Tenir la séance et désigner le secrétaire de séance", 0, assignee_role=ELECTED
            ),
            ItemSpec(
                "Afficher la liste des délibérations examinées",
                7,
                assignee_role=AGENT,
                notes="Dans la semaine qui suit la séance, en mairie et sur le site internet "
                "(L2121-25 CGCT).",
            ),
            ItemSpec(
                "Transmettre les délibérations au contrôle de légalité",
                7,
                assignee_role=AGENT,
                notes="Par @CTES à la préfecture ; elles sont exécutoires après publication "
                "et transmission (L2131-1 et L2131-2 CGCT).",
            ),
            ItemSpec(
                "Publier les délibérations sous forme électronique",
                7,
                assignee_role=AGENT,
                notes="Publication électronique sur le site de la commune (L2131-1 CGCT, "
                "depuis le 1er juillet 2022).",
            ),
            ItemSpec(
                "Rédiger le procès-verbal et le faire approuver",
                30,
                assignee_role=AGENT,
                notes="Arrêté au commencement de la séance suivante, signé par le maire et le "
                "secrétaire, puis publié sous forme électronique dans la semaine (L2121-15).",
            ),
        ],
    ),
    (
        "Organiser un jour de scrutin",
        "Élections politiques : bureaux de vote, assesseurs, émargement, dépouillement. "
        "J0 : le jour du scrutin.",
        [
            ItemSpec(
                "Vérifier la liste électorale et éditer les listes d'émargement",
                -20,
                assignee_role=AGENT,
                notes="Listes extraites du répertoire électoral unique (REU) tenu par l'INSEE.",
            ),
            ItemSpec(
                "Constituer les bureaux de vote (président, assesseurs, secrétaire)",
                -15,
                assignee_role=ELECTED,
            ),
            ItemSpec(
                "Recueillir les assesseurs désignés par les candidats",
                -3,
                assignee_role=AGENT,
                notes="Désignation au plus tard à 18 h le troisième jour précédant le scrutin "
                "(R46 du code électoral).",
            ),
            ItemSpec(
                "Installer les bureaux : urnes, isoloirs, panneaux, affiches",
                -1,
                assignee_role=AGENT,
            ),
            ItemSpec("Contrôler les procurations reçues", -1, assignee_role=AGENT),
            ItemSpec("Ouvrir le scrutin et tenir les bureaux de vote", 0, assignee_role=ELECTED),
            ItemSpec("Faire signer les listes d'émargement à la clôture", 0, assignee_role=ELECTED),
            ItemSpec("Organiser le dépouillement avec les scrutateurs", 0, assignee_role=ELECTED),
            ItemSpec(
                "Rédiger et signer les procès-verbaux",
                0,
                assignee_role=ELECTED,
                notes="En deux exemplaires, avec les bulletins nuls annexés.",
            ),
            ItemSpec(
                "Transmettre les résultats et procès-verbaux à la préfecture",
                1,
                assignee_role=AGENT,
            ),
        ],
    ),
    (
        "Suivre une demande de permis de construire",
        "De la réception du dossier à l'affichage de la décision. J0 : le dépôt du dossier.",
        [
            ItemSpec(
                "Enregistrer le dépôt et délivrer le récépissé",
                0,
                assignee_role=AGENT,
                notes="Numéro d'enregistrement et date de départ du délai (R423-3 du code de "
                "l'urbanisme).",
            ),
            ItemSpec(
                "Afficher l'avis de dépôt en mairie",
                15,
                assignee_role=AGENT,
                notes="Dans les quinze jours qui suivent le dépôt, pendant toute l'instruction "
                "(R423-6).",
            ),
            ItemSpec("Transmettre le dossier au service instructeur", 7, assignee_role=AGENT),
            ItemSpec(
                "Demander les pièces manquantes, le cas échéant",
                30,
                assignee_role=AGENT,
                notes="Dans le mois suivant le dépôt ; sinon le dossier est réputé complet "
                "(R423-38 et R423-39).",
            ),
            ItemSpec(
                "Consulter les services (ABF, gestionnaires de réseaux…)", 30, assignee_role=AGENT
            ),
            ItemSpec(
                "Vérifier l'échéance du délai d'instruction",
                60,
                assignee_role=AGENT,
                notes="Deux mois pour une maison individuelle, trois mois dans les autres cas "
                "(R423-23), majorés en secteur protégé.",
            ),
            ItemSpec("Signer l'arrêté de décision", 60, assignee_role=ELECTED),
            ItemSpec(
                "Afficher la décision en mairie et transmettre au contrôle de légalité",
                68,
                assignee_role=AGENT,
                notes="Affichage en mairie dans les huit jours, pendant deux mois (R424-15).",
            ),
        ],
    ),
]


@transaction.atomic
def install_starter_templates(acting: Any) -> list[ProcedureTemplate]:
    """Create the starter procedures in the current tenant, as `acting` (who must be allowed to
    edit procedures), unless a template of the same name exists. Idempotent."""
    made = []
    for name, description, items in PROCEDURES:
        existing = ProcedureTemplate.objects.filter(name=name).first()
        made.append(
            existing
            if existing is not None
            else create_template(acting, name=name, description=description, items=items)
        )
    return made
