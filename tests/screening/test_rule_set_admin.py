"""Administrators add a rule set with a new effective date in the admin (issue 3); a rule set
whose parameters cannot drive the engine is refused; a cited rule set is never edited."""

import json

from django.urls import reverse

from screening.models import RuleSet


def post_rule_set(client, **overrides):
    current = RuleSet.objects.get(name="henan-2023")
    data = {
        "name": "henan-2027",
        "title_zh": "河南2027",
        "title_en": "Henan 2027",
        "effective_from": "2027-01-01",
        "parameters": json.dumps(current.parameters),
    }
    data.update(overrides)
    return client.post(reverse("admin:screening_ruleset_add"), data)


def test_an_administrator_adds_a_rule_set_in_force_from_its_date(client, administrator):
    client.force_login(administrator)
    response = post_rule_set(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RuleSet.objects.get(name="henan-2027").effective_from.isoformat() == "2027-01-01"


def test_parameters_that_cannot_drive_the_engine_are_refused(client, administrator):
    client.force_login(administrator)
    broken = RuleSet.objects.get(name="henan-2023").parameters
    del broken["scope_min_energy_tce"]
    response = post_rule_set(client, parameters=json.dumps(broken))
    assert response.status_code == 200
    assert "scope_min_energy_tce" in response.content.decode()
    assert not RuleSet.objects.filter(name="henan-2027").exists()


def test_a_shipped_rule_set_cannot_be_edited_in_place(client, administrator):
    client.force_login(administrator)
    rule_set = RuleSet.objects.get(name="henan-2021")
    page = client.get(reverse("admin:screening_ruleset_change", args=[rule_set.pk]))
    assert 'name="parameters"' not in page.content.decode()


def test_the_rule_set_page_shows_each_parameter_with_source_and_status(client, agency_a):
    client.force_login(agency_a)
    page = client.get(reverse("screening:rule_set", args=["henan-2023"])).content.decode()
    assert "replacement_ratio_refining" in page
    assert "待核实" in page and "已核实" in page
