"""The search index (public schema) and its French text search configuration.

`entente_french` copies `french` and puts `unaccent` before the French stemmer for words, so
that "reunion" finds "Réunion"; `unaccent` and `pg_trgm` come from reference 0002.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("reference", "0002_trigram_search"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                "CREATE TEXT SEARCH CONFIGURATION public.entente_french (COPY = pg_catalog.french)",
                "ALTER TEXT SEARCH CONFIGURATION public.entente_french ALTER MAPPING FOR"
                " hword, hword_part, word, asciiword, asciihword, hword_asciipart"
                " WITH public.unaccent, pg_catalog.french_stem",
            ],
            reverse_sql=["DROP TEXT SEARCH CONFIGURATION IF EXISTS public.entente_french"],
        ),
        migrations.CreateModel(
            name='ReindexCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tenant_id', models.BigIntegerField()),
                ('kind', models.CharField(max_length=40)),
                ('last_id', models.BigIntegerField(default=0)),
                ('finished', models.BooleanField(default=False)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('tenant_id', 'kind'), name='search_checkpoint_kind')],
            },
        ),
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tenant_id', models.BigIntegerField()),
                ('kind', models.CharField(max_length=40)),
                ('object_id', models.BigIntegerField()),
                ('space_id', models.BigIntegerField(null=True)),
                ('visibility', models.CharField(blank=True, max_length=20)),
                ('archived', models.BooleanField(default=False)),
                ('scope', django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField(), blank=True, default=list, size=None)),
                ('section', models.CharField(blank=True, max_length=40)),
                ('author_id', models.BigIntegerField(null=True)),
                ('date', models.DateTimeField()),
                ('title', models.TextField()),
                ('body', models.TextField(blank=True)),
                ('url', models.TextField()),
                ('title_plain', models.TextField(blank=True)),
                ('document', django.contrib.postgres.search.SearchVectorField(null=True)),
                ('indexed_at', models.DateTimeField()),
            ],
            options={
                'indexes': [django.contrib.postgres.indexes.GinIndex(fields=['document'], name='search_entry_document'), django.contrib.postgres.indexes.GinIndex(fields=['title_plain'], name='search_entry_title_trgm', opclasses=['gin_trgm_ops']), models.Index(fields=['tenant_id', 'space_id'], name='search_entry_space'), models.Index(fields=['tenant_id', 'date'], name='search_entry_date')],
                'constraints': [models.UniqueConstraint(fields=('tenant_id', 'kind', 'object_id'), name='search_entry_object')],
            },
        ),
    ]
