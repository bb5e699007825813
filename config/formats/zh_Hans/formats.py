"""Chinese number and date formats as 河南 officers write them (issue 15): Django's zh_Hans
groups nothing (10560000 吨标准煤); official documents group by three with commas."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = "Y年n月j日"
