"""Choice sets named in the OpenAPI schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"])."""

from screening.rules.types import Disposition

DISPOSITIONS = [d.value for d in Disposition]
ORDERABLE_DISPOSITIONS = [d.value for d in Disposition if d is not Disposition.NONE]
