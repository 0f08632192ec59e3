"""The official list of French communes and EPCI (Code officiel géographique, INSEE).

Public schema, shared by every tenant: the sign-up picks a commune from it, the federation
pages suggest an EPCI's member communes from it. Rows are keyed by their official codes, so a
new vintage of the list updates them in place; rows that left the list are kept but marked
`is_current = False` (a tenant or a link may still point at them).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _


def search_name_indexes(table: str) -> list[models.Index]:
    """The two indexes name searches use: prefixes (`LIKE 'retz%'`), and words inside a name
    (`LIKE '%retz%'`) or near misses (`%`) through pg_trgm (migration 0002)."""
    return [
        models.Index(
            fields=["search_name"],
            name=f"ref_{table}_search_name",
            opclasses=["varchar_pattern_ops"],
        ),
        GinIndex(
            fields=["search_name"], name=f"ref_{table}_search_trgm", opclasses=["gin_trgm_ops"]
        ),
    ]


class EpciKind(models.TextChoices):
    CC = "CC", _("Communauté de communes")
    CA = "CA", _("Communauté d'agglomération")
    CU = "CU", _("Communauté urbaine")
    METRO = "METRO", _("Métropole")
    MET69 = "MET69", _("Métropole de Lyon")


class Epci(models.Model):
    """An intercommunal body with its own taxation (établissement public à fiscalité propre)."""

    siren = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    # Lower case, without accents or punctuation: what name searches compare (see text.py).
    search_name = models.CharField(max_length=200)
    kind = models.CharField(_("type"), max_length=8, choices=EpciKind.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    is_current = models.BooleanField(_("en vigueur"), default=True)

    class Meta:
        verbose_name = _("EPCI (référentiel)")
        verbose_name_plural = _("EPCI (référentiel)")
        ordering = ["search_name"]
        indexes = search_name_indexes("epci")

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune as INSEE lists it (only "communes actuelles": no delegated or associated ones)."""

    insee_code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    search_name = models.CharField(max_length=200)
    # A few overseas collectivities have no SIREN in the source.
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    postal_codes = ArrayField(
        models.CharField(max_length=5), verbose_name=_("codes postaux"), default=list, blank=True
    )
    departement = models.CharField(_("département"), max_length=3)
    region = models.CharField(_("région"), max_length=3, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    epci = models.ForeignKey(
        Epci,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("EPCI"),
    )
    is_current = models.BooleanField(_("en vigueur"), default=True)

    class Meta:
        verbose_name = _("commune (référentiel)")
        verbose_name_plural = _("communes (référentiel)")
        ordering = ["search_name"]
        indexes = [
            *search_name_indexes("commune"),
            models.Index(fields=["siren"], name="ref_commune_siren"),
            GinIndex(fields=["postal_codes"], name="ref_commune_postal_codes"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.departement})"
