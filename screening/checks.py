"""System checks of the deployment's safety, run by `manage.py check` and at start-up.

Spreadsheets are parsed by openpyxl (annotated files, indicator uploads) as well as by the
safe reader: openpyxl must parse through defusedxml, or an entity in a file could be expanded.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


def xml_safety_errors() -> list[Error]:
    errors = []
    try:
        import defusedxml.ElementTree  # noqa: F401
    except ImportError:
        errors.append(
            Error(
                "defusedxml is not installed",
                id="two_high.E001",
                hint="pip install -r requirements.txt",
            )
        )
    import openpyxl.xml
    import openpyxl.xml.functions

    uses_defused = (
        openpyxl.xml.DEFUSEDXML is True
        and openpyxl.xml.functions.fromstring.__module__.startswith("defusedxml")
    )
    if not uses_defused:
        errors.append(
            Error(
                "openpyxl does not parse through defusedxml",
                id="two_high.E002",
                hint="install defusedxml and do not set OPENPYXL_DEFUSEDXML=False",
            )
        )
    return errors


@register(Tags.security)
def check_xml_safety(app_configs=None, **kwargs) -> list[Error]:
    return xml_safety_errors()


@register(Tags.security, deploy=True)
def check_upload_limits(app_configs=None, **kwargs) -> list[Warning]:
    """Upload limits at every layer: the web request, the ledger reader and the CSP."""
    problems = []
    if settings.LEDGER_MAX_FILE_BYTES > 50_000_000:
        problems.append(
            Warning("LEDGER_MAX_FILE_BYTES is above SPEC §9's 50 MB", id="two_high.W001")
        )
    if (
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE is None
        or settings.FILE_UPLOAD_MAX_MEMORY_SIZE > 10_000_000
    ):
        problems.append(Warning("request bodies are not bounded in memory", id="two_high.W002"))
    if "config.security.ContentSecurityPolicyMiddleware" not in settings.MIDDLEWARE:
        problems.append(Warning("no Content Security Policy", id="two_high.W003"))
    if "config.security.RequestSizeLimitMiddleware" not in settings.MIDDLEWARE:
        problems.append(Warning("request bodies are not limited in size", id="two_high.W004"))
    return problems


@register(Tags.security, deploy=True)
def check_shared_rate_limits(app_configs=None, **kwargs) -> list[Error]:
    """API rate-limit counters must be shared by every web process (issue 13 item 9)."""
    backend = settings.CACHES.get("throttle", {}).get("BACKEND", "")
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")) or not backend:
        return [
            Error(
                "the API rate-limit cache ('throttle') is not shared by the web processes, "
                "so the limit multiplies with the number of workers",
                id="two_high.E003",
                hint="set REDIS_URL, or use the database cache (settings.py's default) and "
                "run manage.py createcachetable",
            )
        ]
    return []


def assert_xml_safety() -> None:
    """Refuse to start without defusedxml (called from the app's ready())."""
    errors = xml_safety_errors()
    if errors:
        raise ImproperlyConfigured("; ".join(error.msg for error in errors))
