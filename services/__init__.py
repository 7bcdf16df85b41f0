"""Use cases: one function per thing a clerk, a social worker or an evaluator does.

Every door (the `gongyi` CLI, the portal's pages, the JSON API and the Prefect flow
tasks) calls these functions and nothing below them, so a rule or a permission
check lives in one place and every door gives the same answer. A service function
is handed the session (its unit of work), `now` in the office's time zone and the
`Actor` doing it. It finds records by id, applies the rules in `models/`, writes
through `store/`, records its own audit event and commits with
`store.database.unit_of_work`. It never reads settings or the wall clock.

A refusal is a `ServiceError`: `NotFound` (no such record, or one the actor may
not know of), `Forbidden` (not this actor's to do) or `Refused` (not in this
state). The doors turn these into 404 / 403 / 409 and into one red CLI line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from models.status import Role


class Account(Protocol):
    """Who signed in (`store.accounts.SignedIn`): what an actor is made from."""

    @property
    def login(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def user_id(self) -> int: ...
    @property
    def agency_id(self) -> int | None: ...


class ServiceError(Exception):
    """A use case refused, with a message a clerk can act on (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """No such record, or one the actor may not know exists."""


class Forbidden(ServiceError):
    """The record exists, but this actor may not do this to it."""


class Refused(ServiceError):
    """The request is understood and allowed, but the record's state does not permit it."""


@dataclass(frozen=True)
class Actor:
    """Who does a use case: a portal account, an API token's account, or the system."""

    login: str
    name: str = ""
    role: Role | None = None
    user_id: int | None = None
    agency_id: int | None = None
    address: str = ""

    @property
    def label(self) -> str:
        """How the audit trail and documents name the actor."""
        return self.name or self.login

    @classmethod
    def of(cls, signed_in: Account, address: str = "") -> Actor:
        """The actor behind a portal session or API token (`store.accounts.SignedIn`)."""
        return cls(
            login=signed_in.login,
            name=signed_in.name,
            role=signed_in.role,
            user_id=signed_in.user_id,
            agency_id=signed_in.agency_id,
            address=address,
        )


SYSTEM = Actor(login="system", name="系统", role=Role.SYSTEM)


def clerk(login: str = "cli", name: str = "") -> Actor:
    """The office clerk running `gongyi` on the office machine."""
    return Actor(login=login, name=name or "街道工作人员（命令行）", role=Role.STAFF)
