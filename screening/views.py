"""Pages of the screening app. Thin: they ask permissions.py what the user may see and call
services for everything else."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language

from screening import permissions
from screening.models import RegionAttribute, RuleSet


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    regions = (
        permissions.regions_visible_to(request.user)
        .select_related("parent", "reports_to")
        .order_by("code")
    )
    return render(request, "screening/regions.html", {"regions": regions})


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = permissions.get_region_for_user(request.user, code)
    attributes = RegionAttribute.objects.filter(region=region).order_by("attribute", "valid_from")
    return render(
        request,
        "screening/region_detail.html",
        {
            "region": region,
            "attributes": attributes,
            "name": region.display_name(get_language() or "zh-hans"),
        },
    )


@login_required
def rule_set_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "screening/rule_sets.html",
        {
            "rule_sets": RuleSet.objects.order_by("-effective_from"),
            "in_force": RuleSet.in_force(today),
        },
    )


@login_required
def rule_set_detail(request: HttpRequest, name: str) -> HttpResponse:
    rule_set = get_object_or_404(RuleSet, name=name)
    parameters = [
        {"id": key, **value}
        for key, value in sorted(rule_set.parameters.items())
        if isinstance(value, dict)
    ]
    from screening.rules.rulebook import RULE_PARAMETERS, RULE_TITLES, RULES

    english = get_language() == "en"
    rules = [
        {
            "id": rule.id,
            "clause": rule.clause,
            "title": RULE_TITLES[rule.id][1 if english else 0],
            "parameters": RULE_PARAMETERS.get(rule.id, ()),
        }
        for rule in RULES
    ]
    return render(
        request,
        "screening/rule_set_detail.html",
        {
            "rule_set": rule_set,
            "parameters": parameters,
            "rules": rules,
        },
    )
