"""Platform settings that admins change without a deployment.

Each setting has a default in `config/` (so a fresh install works) and may be
overridden in the `platform_setting` table from /admin/reglages. Code reads them with
``setting(name)``; every change is audited.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from patientlab.core import audit
from patientlab.core.models import UTCDateTime, utcnow
from patientlab.core.registries import registry
from patientlab.extensions import db


class PlatformSetting(db.Model):
    __tablename__ = "platform_setting"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


@dataclass(frozen=True)
class Definition:
    label: object
    hint: object
    minimum: int
    maximum: int


def definitions() -> dict[str, Definition]:
    """This application's settings, filled by the features from their init_app
    (``register``) in the order the settings page shows them; core names none of them."""
    return registry("patientlab.settings.definitions")


def register(name: str, definition: Definition) -> None:
    """A setting a feature owns: its default is ``config[name]``."""
    definitions()[name] = definition


def _overrides() -> dict[str, int]:
    cache = g.get("platform_settings") if has_app_context() else None
    if cache is None:
        cache = dict(db.session.execute(select(PlatformSetting.name, PlatformSetting.value)).all())
        if has_app_context():
            g.platform_settings = cache
    return cache


def setting(name: str) -> int:
    if name not in definitions():
        raise KeyError(name)
    return _overrides().get(name, current_app.config[name])


def all_settings() -> dict[str, int]:
    return {name: setting(name) for name in definitions()}


class SettingError(ValueError):
    def __init__(self, name: str, message):
        super().__init__(str(message))
        self.name, self.message = name, message


def save_settings(actor, values: dict[str, int]) -> list[str]:
    """Store the values that changed; returns their names."""
    from patientlab.core.security import Role

    if actor is None or not actor.has_role(Role.ADMIN):
        raise PermissionError("admins only")
    changed = []
    for name, value in values.items():
        definition = definitions()[name]
        if not definition.minimum <= value <= definition.maximum:
            raise SettingError(name, _l("Entre %(min)s et %(max)s.", min=definition.minimum,
                                        max=definition.maximum))
        before = setting(name)
        if value == before:
            continue
        row = db.session.get(PlatformSetting, name)
        if row is None:
            row = PlatformSetting(name=name, value=value)
            db.session.add(row)
        row.value, row.updated_at, row.updated_by_id = value, utcnow(), actor.id
        audit.record(actor, "settings.changed", object_type="platform_setting",
                     summary=f"{name}: {before} → {value}")
        changed.append(name)
    db.session.flush()
    if has_app_context():
        g.pop("platform_settings", None)
    return changed
