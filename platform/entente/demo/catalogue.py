"""Who and what the demo holds: the CC Sud Retz Atlantique, its communes' people and spaces.

The collectivités themselves (names, codes, populations, members) come from the official data
(`entente.reference`); only the people and their spaces are written here. Every person is
fictional. E-mail addresses end in `.test` (RFC 2606): nothing can ever be delivered to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

from entente.accounts.models import Role
from entente.spaces.models import SpaceKind, SpaceRole, Visibility

EPCI_SIREN = "200071546"  # CC Sud Retz Atlantique

# INSEE codes of its member communes (checked against the official list when seeding).
MACHECOUL = "44087"
LEGE = "44081"
CORCOUE = "44156"
SAINT_MARS = "44178"
PAULX = "44119"
TOUVOIS = "44206"
SAINT_ETIENNE = "44157"
LA_MARNE = "44090"

# One password for every demo person, printed with the logins. Demo data only.
DEMO_PASSWORD = "entente-demo"  # noqa: S105

# Staff e-mails end in their employer's domain; citizens use a mailbox of their own.
MAIL_DOMAINS = {
    EPCI_SIREN: "cc-sud-retz-atlantique.test",
    MACHECOUL: "machecoul-saint-meme.test",
    LEGE: "lege.test",
    CORCOUE: "corcoue-sur-logne.test",
    SAINT_MARS: "saint-mars-de-coutais.test",
    PAULX: "paulx.test",
    TOUVOIS: "touvois.test",
    SAINT_ETIENNE: "saint-etienne-de-mer-morte.test",
    LA_MARNE: "la-marne.test",
}
CITIZEN_MAIL_DOMAIN = "courriel.test"


@dataclass(frozen=True)
class DemoPerson:
    full_name: str
    function: str
    # (official code of the tenant, tenant role); the first one gives the e-mail's domain.
    memberships: tuple[tuple[str, str], ...]
    mail_domain: str = ""  # overrides the first tenant's domain (citizens)
    featured: bool = False  # shown in `make run`'s short list of logins

    @property
    def email(self) -> str:
        """`prenom.nom@domaine`: `Dominique Le Gall` → `dominique.legall@la-marne.test`."""
        first, _, last = self.full_name.partition(" ")
        domain = self.mail_domain or MAIL_DOMAINS[self.memberships[0][0]]
        return f"{slugify(first)}.{slugify(last).replace('-', '')}@{domain}"


@dataclass(frozen=True)
class DemoSpace:
    name: str
    kind: str
    visibility: str
    description: str
    owner: str = ""  # who opens it and becomes its first editor; the tenant's admin if empty
    members: tuple[tuple[str, str], ...] = ()  # (full name, space role)
    # Federation spaces of the EPCI: how communes' staff join, the communes it is open to
    # (official codes; empty: every linked commune), people there through their commune
    # (full name, space role, commune code), and people who asked (full name, commune code).
    join_policy: str = "open"
    scope: tuple[str, ...] = ()
    federated: tuple[tuple[str, str, str], ...] = ()
    asked: tuple[tuple[str, str], ...] = ()


P = DemoPerson
ADMIN, AGENT, ELECTED, GUEST = Role.ADMIN, Role.AGENT, Role.ELECTED, Role.GUEST

PEOPLE: tuple[DemoPerson, ...] = (
    # -- The communauté de communes: its staff, its elected officials (mayors of member communes).
    P("Claire Morand", "Directrice générale des services", ((EPCI_SIREN, ADMIN),), featured=True),
    P("Bernard Chauvet", "Président de la communauté de communes, maire de Corcoué-sur-Logne",
      ((EPCI_SIREN, ELECTED), (CORCOUE, ELECTED)), featured=True),
    P("Martine Hervouet", "Vice-présidente au tourisme, première adjointe à Touvois",
      ((EPCI_SIREN, ELECTED), (TOUVOIS, ELECTED))),
    P("Thomas Guérin", "Responsable du service déchets", ((EPCI_SIREN, AGENT),)),
    P("Sophie Lebreton", "Chargée de mission tourisme", ((EPCI_SIREN, AGENT),)),
    P("Nicolas Rousseau", "Chargé de communication", ((EPCI_SIREN, AGENT),)),
    # Staff of a service shared between the CC and a commune: one account, two memberships.
    P("Julien Brochard", "Technicien voirie et réseaux (service mutualisé)",
      ((EPCI_SIREN, AGENT), (MACHECOUL, AGENT)), featured=True),
    P("Aurélie Praud", "Coordinatrice petite enfance", ((EPCI_SIREN, AGENT), (LEGE, AGENT))),
    # -- Machecoul-Saint-Même
    P("Isabelle Giraudet", "Directrice générale des services", ((MACHECOUL, ADMIN),),
      featured=True),
    P("Philippe Baudry", "Maire", ((MACHECOUL, ELECTED),), featured=True),
    P("Nathalie Rondeau", "Adjointe à l'enfance et à la jeunesse", ((MACHECOUL, ELECTED),)),
    P("Karine Tessier", "Responsable de l'accueil", ((MACHECOUL, AGENT),), featured=True),
    P("Mickaël Pineau", "Responsable des services techniques", ((MACHECOUL, AGENT),)),
    # A citizen invited to the commune's public photo contest.
    P("Julie Perrin", "Habitante, participante au concours photo", ((MACHECOUL, GUEST),),
      mail_domain=CITIZEN_MAIL_DOMAIN, featured=True),
    # -- Legé
    P("Valérie Bouyer", "Secrétaire générale de mairie", ((LEGE, ADMIN),)),
    P("Jean-Marc Ertaud", "Maire", ((LEGE, ELECTED),)),
    P("Sandrine Gautier", "Agente d'accueil et d'état civil", ((LEGE, AGENT),)),
    P("Damien Moreau", "Agent des services techniques", ((LEGE, AGENT),)),
    # -- Corcoué-sur-Logne (its mayor presides the CC, above)
    P("Céline Mocquard", "Directrice générale des services", ((CORCOUE, ADMIN),)),
    P("Laurent Bertin", "Adjoint aux travaux", ((CORCOUE, ELECTED),)),
    P("Émilie Boutin", "Agente administrative, urbanisme", ((CORCOUE, AGENT),)),
    P("Florian Durand", "Agent des services techniques", ((CORCOUE, AGENT),)),
    # -- Saint-Mars-de-Coutais
    P("Stéphanie Leroux", "Secrétaire générale de mairie", ((SAINT_MARS, ADMIN),)),
    P("Alain Guillet", "Maire", ((SAINT_MARS, ELECTED),)),
    P("Pauline Chevalier", "Agente d'accueil", ((SAINT_MARS, AGENT),)),
    P("Yannick Rabiller", "Agent technique polyvalent", ((SAINT_MARS, AGENT),)),
    # -- Paulx
    P("Hélène Cormerais", "Secrétaire de mairie", ((PAULX, ADMIN),)),
    P("Patrick Maillard", "Maire", ((PAULX, ELECTED),)),
    P("Anthony Rivière", "Agent technique", ((PAULX, AGENT),)),
    P("Laëtitia Brosseau", "Agente d'accueil", ((PAULX, AGENT),)),
    # -- Touvois (its first deputy mayor is vice-president of the CC, above)
    P("Sylvie Douillard", "Secrétaire générale de mairie", ((TOUVOIS, ADMIN),)),
    P("Gérard Pichaud", "Maire", ((TOUVOIS, ELECTED),)),
    P("Audrey Libeau", "Agente d'accueil et de comptabilité", ((TOUVOIS, AGENT),)),
    P("Quentin Grolleau", "Agent technique", ((TOUVOIS, AGENT),)),
    # -- Saint-Étienne-de-Mer-Morte
    P("Catherine Fradin", "Secrétaire de mairie", ((SAINT_ETIENNE, ADMIN),)),
    P("Michel Ferré", "Maire", ((SAINT_ETIENNE, ELECTED),)),
    P("Kévin Garnier", "Agent des espaces verts", ((SAINT_ETIENNE, AGENT),)),
    P("Morgane Clouet", "Agente d'accueil", ((SAINT_ETIENNE, AGENT),)),
    # -- La Marne
    P("Agnès Bureau", "Secrétaire de mairie", ((LA_MARNE, ADMIN),)),
    P("Dominique Le Gall", "Maire", ((LA_MARNE, ELECTED),)),
    P("Marine Jaunet", "Agente administrative", ((LA_MARNE, AGENT),)),
    P("Romain Hégron", "Agent technique", ((LA_MARNE, AGENT),)),
)  # fmt: skip

S = DemoSpace
TEAM, PROJECT, THEMATIC = SpaceKind.TEAM, SpaceKind.PROJECT, SpaceKind.THEMATIC
PRIVATE, TENANT, FEDERATION, PUBLIC = (
    Visibility.PRIVATE,
    Visibility.TENANT,
    Visibility.FEDERATION,
    Visibility.PUBLIC_PROJECT,
)
EDITOR, COMMENTER, READER = SpaceRole.EDITOR, SpaceRole.COMMENTER, SpaceRole.READER


def council(mayor: str) -> DemoSpace:
    """Every commune prepares its council: the secretary opens the space, the mayor edits it."""
    return S(
        "Préparation du conseil municipal",
        TEAM,
        TENANT,
        "Ordres du jour, délibérations à rédiger, pièces à joindre et suivi des décisions.",
        members=((mayor, EDITOR),),
    )


SPACES: dict[str, tuple[DemoSpace, ...]] = {
    EPCI_SIREN: (
        S("Gestion des déchets", THEMATIC, FEDERATION,
          "Collecte, déchèteries, redevance incitative : le travail commun de la CC et des "
          "communes.",
          owner="Thomas Guérin", members=(("Nicolas Rousseau", COMMENTER),)),
        S("Tourisme", THEMATIC, FEDERATION,
          "Saison touristique, office de tourisme, sentiers de randonnée et patrimoine du "
          "Pays de Retz.",
          owner="Sophie Lebreton",
          members=(("Martine Hervouet", EDITOR), ("Nicolas Rousseau", EDITOR)),
          federated=(("Karine Tessier", EDITOR, MACHECOUL),
                     ("Sandrine Gautier", COMMENTER, LEGE))),
        S("Petite enfance", THEMATIC, FEDERATION,
          "Multi-accueils, relais petite enfance et coordination avec les écoles des communes.",
          owner="Aurélie Praud", join_policy="on_request",
          asked=(("Nathalie Rondeau", MACHECOUL),)),
        # Open to the communes of the programme only.
        S("Voirie et réseaux", THEMATIC, FEDERATION,
          "Programme annuel de voirie, éclairage public, eaux pluviales.",
          owner="Julien Brochard", join_policy="on_request",
          scope=(MACHECOUL, LEGE, CORCOUE),
          federated=(("Mickaël Pineau", EDITOR, MACHECOUL), ("Damien Moreau", EDITOR, LEGE),
                     ("Florian Durand", COMMENTER, CORCOUE))),
        S("Conférence des maires", TEAM, PRIVATE,
          "Ordres du jour et relevés de décisions de la conférence des maires.",
          members=(("Bernard Chauvet", EDITOR), ("Martine Hervouet", EDITOR))),
        S("Direction générale", TEAM, TENANT,
          "Budget, ressources humaines et coordination des services de la CC."),
    ),
    MACHECOUL: (
        council("Philippe Baudry"),
        S("Services techniques", TEAM, TENANT,
          "Demandes d'intervention, entretien des bâtiments et des espaces publics.",
          owner="Mickaël Pineau", members=(("Julien Brochard", EDITOR),)),
        S("Écoles et périscolaire", TEAM, TENANT,
          "Restauration scolaire, accueil périscolaire, travaux dans les écoles.",
          owner="Nathalie Rondeau", members=(("Karine Tessier", COMMENTER),)),
        # The public project a citizen takes part in (commenter: the most a guest may be).
        S("Concours photo « Regards sur le marais »", PROJECT, PUBLIC,
          "Le concours photo ouvert aux habitants : règlement, dépôts, jury et exposition.",
          owner="Nathalie Rondeau",
          members=(("Karine Tessier", EDITOR), ("Julie Perrin", COMMENTER))),
    ),
    LEGE: (
        council("Jean-Marc Ertaud"),
        S("Accueil et état civil", TEAM, TENANT,
          "Procédures d'état civil, demandes des habitants, permanences.",
          owner="Sandrine Gautier"),
        S("Fêtes et cérémonies", PROJECT, TENANT,
          "Cérémonies commémoratives, fête communale et forum des associations.",
          members=(("Damien Moreau", EDITOR),)),
    ),
    CORCOUE: (
        council("Bernard Chauvet"),
        S("Urbanisme et permis de construire", TEAM, TENANT,
          "Instruction des demandes, échanges avec le service instructeur de la CC.",
          owner="Émilie Boutin", members=(("Laurent Bertin", COMMENTER),)),
        S("Entretien des bâtiments communaux", TEAM, TENANT,
          "Contrôles réglementaires, petits travaux et contrats de maintenance.",
          owner="Florian Durand", members=(("Laurent Bertin", EDITOR),)),
    ),
    SAINT_MARS: (
        council("Alain Guillet"),
        S("Vie associative", TEAM, TENANT,
          "Salles, subventions et calendrier des associations de la commune.",
          owner="Pauline Chevalier"),
    ),
    PAULX: (
        council("Patrick Maillard"),
        S("Restaurant scolaire", TEAM, TENANT,
          "Menus, effectifs, commandes et hygiène du restaurant scolaire.",
          members=(("Laëtitia Brosseau", EDITOR), ("Anthony Rivière", READER))),
    ),
    TOUVOIS: (
        council("Gérard Pichaud"),
        S("Rénovation de la salle polyvalente", PROJECT, TENANT,
          "Le chantier de rénovation : marchés, planning, réunions de chantier.",
          owner="Quentin Grolleau", members=(("Martine Hervouet", EDITOR),)),
    ),
    SAINT_ETIENNE: (
        council("Michel Ferré"),
        S("Espaces verts et fleurissement", TEAM, TENANT,
          "Plan de fleurissement, tontes, entretien du cimetière.",
          owner="Kévin Garnier"),
    ),
    LA_MARNE: (
        council("Dominique Le Gall"),
        S("Bulletin municipal", PROJECT, TENANT,
          "Sommaire, articles, photos et relectures du bulletin semestriel.",
          owner="Marine Jaunet", members=(("Dominique Le Gall", EDITOR),)),
    ),
}  # fmt: skip
