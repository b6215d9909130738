"""Base models shared by every app: public ids, timestamps and the restricted queryset."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from anze.core.restrict import RestrictedQuerySet


class BaseModel(models.Model):
    """A record with a public UUID for URLs and the API, and creation/update times."""

    public_id = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True
