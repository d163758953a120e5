"""Scopes: "which objects may this user see" and "may this user see this object", declared once.

A ``Scope`` is one kind of relation between a user and objects of one model (the applicant owns the
application, district staff serve the enterprise's division...). It is written once, as

- ``role``: the role predicate of the users who may hold the relation at all;
- ``where(user)``: the ``Q`` of the objects in relation with ``user`` (``None`` for none), which the
  selectors filter with; and, where a Python check on a loaded object is cheaper than a query,
- ``holds(user, obj)``: the same rule on one object, which the django-rules predicate uses (a test
  checks it against ``where`` over generated objects; without it the predicate asks the database).

``scope.predicate`` is the django-rules object predicate; ``visible(queryset, user, scopes)`` the
queryset of a union of scopes. ``through(path)`` carries a scope of a related model (the enterprise's
division) to the model that points at it (the application), so the rule itself is not written again;
``narrowed`` adds a condition on the object itself (the statuses district staff see).

The core defines the mechanism only; each app declares its scopes in its ``rules.py`` (pretalx
``submission/rules.py`` and ``submissions_for_user`` are the model).
"""

import functools
import operator

import rules
from django.db.models import Q


def _active(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


def _prefixed(q, path):
    """``q`` with every lookup moved under the relation ``path`` (``division_id`` → ``enterprise__division_id``)."""
    clone = Q()
    clone.connector, clone.negated = q.connector, q.negated
    clone.children = [
        _prefixed(child, path) if isinstance(child, Q) else (f"{path}__{child[0]}", child[1]) for child in q.children
    ]
    return clone


class Scope:
    def __init__(self, name, *, role, where, holds=None):
        self.name = name
        self.role = role
        self._where = where
        self._holds = holds

    def __repr__(self):
        return f"<Scope {self.name}>"

    def q(self, user):
        """The ``Q`` of the objects in this scope for ``user``, or None when it holds none."""
        if not _active(user) or not self.role(user):
            return None
        return self._where(user)

    def q_role_unchecked(self, user):
        """The ``Q`` of this scope for an active ``user`` without asking ``role``: for a hot path that
        checks the role in the same query (the autosave of a score), never for a list on its own."""
        if not _active(user):
            return None
        return self._where(user)

    def holds(self, user, obj, *, model=None):
        """Whether ``obj`` is in this scope for ``user``."""
        if obj is None or not _active(user) or not self.role(user):
            return False
        if self._holds is not None:
            return bool(self._holds(user, obj))
        where = self._where(user)
        if where is None:
            return False
        return (model or type(obj))._default_manager.filter(where, pk=obj.pk).exists()

    @functools.cached_property
    def predicate(self):
        """The django-rules object predicate of this scope, named after it."""
        return rules.predicate(lambda user, obj: self.holds(user, obj), name=self.name)

    def through(self, path, *, name):
        """This scope, of the model behind the relation ``path``, as a scope of the model holding it."""
        where, holds = self._where, self._holds

        def where_through(user):
            q = where(user)
            return None if q is None else _prefixed(q, path)

        def holds_through(user, obj):
            related = obj
            for step in path.split("__"):
                related = getattr(related, step) if related is not None else None
            if holds is not None:
                return related is not None and holds(user, related)
            return related is not None and self.holds(user, related)

        return Scope(name, role=self.role, where=where_through, holds=holds_through)

    def narrowed(self, *, name, where, holds):
        """This scope limited to the objects matching ``where`` (a ``Q``), ``holds(obj)`` being its
        check on one object."""
        inner_where, inner_holds = self._where, self.holds

        def where_narrowed(user):
            q = inner_where(user)
            return None if q is None else q & where

        def holds_narrowed(user, obj):
            return holds(obj) and inner_holds(user, obj)

        return Scope(name, role=self.role, where=where_narrowed, holds=holds_narrowed)


def union_q(user, scopes):
    """The ``Q`` of the objects in any of ``scopes`` for ``user``, or None when it holds none.

    A scope of every object (``Q()``, city staff's) makes the union every object: Django drops an empty
    ``Q`` from ``Q() | Q(x)``, which would narrow city staff who are also an enterprise's contact to
    that one enterprise."""
    found = [q for q in (scope.q(user) for scope in scopes) if q is not None]
    if any(not q for q in found):
        # An empty ``Q()`` is "every object"; OR-ed with another, Django drops it and keeps the other
        # (a city staff member who also serves as commissioner would see only the commissioner's share).
        return Q()
    return functools.reduce(operator.or_, found) if found else None


def visible(queryset, user, scopes):
    """``queryset`` limited to the objects in any of ``scopes`` for ``user`` (empty for none)."""
    where = union_q(user, scopes)
    return queryset.none() if where is None else queryset.filter(where)


def any_of(scopes):
    """The django-rules predicate true when the object is in any of ``scopes``."""
    return functools.reduce(operator.or_, (scope.predicate for scope in scopes))
