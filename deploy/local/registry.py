"""Every part of the local stack, in start order."""
from __future__ import annotations

from deploy.local.dagster_parts import DagsterCodeServerPart, DagsterDaemonPart, DagsterWebserverPart
from deploy.local.parts import (KafkaPart, MlflowPart, Part, PostgresPart, RedisPart, SmtpPart, TypesensePart,
                                WarehousePart)
from deploy.local.superset_part import SupersetPart
from kernel.settings import StackSettings

PART_CLASSES: tuple[type[Part], ...] = (
    PostgresPart, KafkaPart, WarehousePart, TypesensePart, RedisPart, SmtpPart, MlflowPart,
    DagsterCodeServerPart, DagsterWebserverPart, DagsterDaemonPart, SupersetPart,
)
PART_NAMES: tuple[str, ...] = tuple(cls.name for cls in PART_CLASSES)


def build_parts(settings: StackSettings | None = None) -> dict[str, Part]:
    settings = settings or StackSettings()
    return {cls.name: cls(settings) for cls in PART_CLASSES}
