"""The layers of Anze, in one place: which app may import which (docs/architecture.md draws them).

Imports run one way, downwards: a module may import its own app and the apps of lower layers, never an
app of its own layer (sideways) or of a higher one (up). What a higher app adds to a lower one's pages or
commands it registers through `anze.core.registry`; what core announces it sends as a signal
(`anze.core.signals`). `anze/core/tests/test_layers.py` reads every module's imports (with `ast`, so
imports inside functions count too) and fails on one against these layers, and on any import cycle.
"""

from __future__ import annotations

# Lowest first. An app may import the apps of the layers below its own.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),  # the floor: base model, restrict(), registry, navigation, middleware, pages' frame
    ("audit",),  # the hash-chained trail, on core
    ("org",),  # regions, units, groups, people, committees
    ("accounts",),  # users and role assignments over org's areas
    ("plans",),  # plan documents, clauses, assignments to org's units
    ("duties", "enterprises"),  # work items from plan clauses; the enterprise registry and its compliance
    ("supervision",),  # the 督办 ladder over duties' work items
    ("prevention",),  # risk points and hidden dangers of enterprises; a 重大 one opens a 督办 case
    (
        "public",
        "monitoring",
    ),  # the anonymous portal (a tip becomes a hidden danger); sensors, alarms, on-line rate
    ("enforcement",),  # accidents, inspections, penalties, listings; reads public tips and prevention
    ("assessment",),  # the year's judgement (考核, 一票否决) over the facts of every app below
)

# Modules that sit on the floor whatever package holds them: pure vocabularies, importing nothing of
# Anze but the floor. Every layer may import them.
FLOOR_MODULES: frozenset[str] = frozenset(
    {
        "anze.accounts.roles",  # the role table: roles and the actions each grants (restrict() reads it)
        "anze.audit.context",  # where a change comes from (request id, source, address): a context variable
    }
)

# The project's own modules (settings, URLs, the command line, WSGI) stand on top of every app.
PROJECT_MODULES: frozenset[str] = frozenset(
    {"anze", "anze.settings", "anze.test_settings", "anze.urls", "anze.wsgi", "anze.cli"}
)

# An app not listed (a new one) stands above every listed app, below the project, on a layer of its own:
# it may import any listed app, and nothing listed may import it.
NEW_APP_LAYER = len(LAYERS)
PROJECT_LAYER = len(LAYERS) + 1


def app_of(module: str) -> str:
    """The app a module belongs to: "anze.duties.views" → "duties"; project modules → ""."""
    if module in PROJECT_MODULES:
        return ""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_of(module: str) -> int:
    """The layer index of a module (0 = the floor)."""
    if module in FLOOR_MODULES:
        return 0
    app = app_of(module)
    if not app:
        return PROJECT_LAYER
    for index, apps in enumerate(LAYERS):
        if app in apps:
            return index
    return NEW_APP_LAYER


def allowed(importer: str, imported: str) -> bool:
    """Whether module `importer` may import module `imported`."""
    if imported in FLOOR_MODULES or importer in PROJECT_MODULES:
        return True
    source, target = app_of(importer), app_of(imported)
    if importer in FLOOR_MODULES:
        return target == "core"
    if source == target:
        return True
    return layer_of(imported) < layer_of(importer)
