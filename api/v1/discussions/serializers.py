from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.fields import ModelSerializer, Serializer, StrictCharField
from entente.discussions.models import Comment, CommentRevision, Thread


class DiscussionCommentSerializer(ModelSerializer[Comment]):
    author_name = StrictCharField(source="author.display_name", read_only=True, default=None)

    class Meta:
        model = Comment
        fields = [
            "id",
            "thread",
            "author",
            "author_name",
            "body",
            "mentioned_ids",
            "created_at",
            "edited_at",
        ]
        read_only_fields = fields


class CommentWriteSerializer(Serializer[Any]):
    body = StrictCharField(max_length=20_000)


class RevisionSerializer(ModelSerializer[CommentRevision]):
    class Meta:
        model = CommentRevision
        fields = ["id", "body", "edited_by", "created_at"]


class CommentDetailSerializer(DiscussionCommentSerializer):
    revisions = RevisionSerializer(many=True, read_only=True)

    class Meta(DiscussionCommentSerializer.Meta):
        fields = [*DiscussionCommentSerializer.Meta.fields, "revisions"]
        read_only_fields = fields


class ThreadSerializer(ModelSerializer[Thread]):
    comment_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Thread
        fields = [
            "id",
            "space",
            "title",
            "created_by",
            "created_at",
            "last_comment_at",
            "comment_count",
        ]
        read_only_fields = fields


class ThreadCreateSerializer(Serializer[Any]):
    title = StrictCharField(max_length=200)
    body = StrictCharField(max_length=20_000)
