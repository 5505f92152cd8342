from __future__ import annotations

from kernel.errors import Conflict, NotFound, ValidationFailed


class CategoryNotFound(NotFound):
    title = "Category not found"


class SlugTaken(Conflict):
    title = "Slug already in use"


class InvalidCategoryTree(ValidationFailed):
    title = "Invalid category tree"
