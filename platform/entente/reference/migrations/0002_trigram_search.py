"""Trigram indexes for the collectivité picker: words inside names and near misses, < 100 ms.

`search_name` is already lower case without accents (text.py), so a plain trigram GIN index on
it serves `LIKE '%…%'` and similarity; `unaccent` is installed for searches that will compare
free text (it is trusted, like pg_trgm, so a database owner may create both).
"""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.AddIndex(
            model_name="commune",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_name"], name="ref_commune_search_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="epci",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_name"], name="ref_epci_search_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]
