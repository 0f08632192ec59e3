"""The PostgreSQL backend's index: one public-schema row per searchable object.

The row holds the object's facts (tenant, kind, id, space and the space's visibility, archiving
and federation scope, the section a citizen needs open, author, date, title, body, URL) and
two search columns written by the upsert (`backends/postgres.py`): `document`, a tsvector of
the `entente_french` configuration (unaccent + French stemmer; title weighted A, body B), and
`title_plain`, the title lower-cased without accents, under a trigram index for typos.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchEntry(models.Model):
    tenant_id = models.BigIntegerField()
    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    space_id = models.BigIntegerField(null=True)
    visibility = models.CharField(max_length=20, blank=True)
    archived = models.BooleanField(default=False)
    scope = ArrayField(models.IntegerField(), default=list, blank=True)
    section = models.CharField(max_length=40, blank=True)
    author_id = models.BigIntegerField(null=True)
    date = models.DateTimeField()
    title = models.TextField()
    body = models.TextField(blank=True)
    url = models.TextField()
    title_plain = models.TextField(blank=True)
    document = SearchVectorField(null=True)
    indexed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "kind", "object_id"], name="search_entry_object"
            )
        ]
        indexes = [
            GinIndex(fields=["document"], name="search_entry_document"),
            GinIndex(
                fields=["title_plain"], name="search_entry_title_trgm", opclasses=["gin_trgm_ops"]
            ),
            models.Index(fields=["tenant_id", "space_id"], name="search_entry_space"),
            models.Index(fields=["tenant_id", "date"], name="search_entry_date"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.tenant_id}/{self.object_id}"


class ReindexCheckpoint(models.Model):
    """How far `search_reindex` went in one tenant and kind, so that a stopped run resumes."""

    tenant_id = models.BigIntegerField()
    kind = models.CharField(max_length=40)
    last_id = models.BigIntegerField(default=0)
    finished = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "kind"], name="search_checkpoint_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.tenant_id} > {self.last_id}"
