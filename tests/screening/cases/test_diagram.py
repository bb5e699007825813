"""The workflow diagram's geometry (issue 15): no arrow label covers a state or another label,
no arrow runs through a state it does not join, every state's name fits its box."""

import pytest
from django.utils import translation

from screening.cases.diagram import CLEARANCE, STATE_FONT, grow, layout, overlap, text_width
from screening.cases.views import transition_meta
from screening.models import CaseState


def diagram_in(language: str):
    with translation.override(language):
        return layout(
            [(s.value, str(s.label)) for s in CaseState],
            [
                (e["name"], source, target, str(e["label"]))
                for e in transition_meta().values()
                for source, target in e["edges"]
            ],
        )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_labels_cover_no_state_and_no_other_label(language):
    diagram = diagram_in(language)
    boxes = [b.rect for b in diagram.boxes]
    labels = [a.label_rect for a in diagram.arrows]
    assert len(labels) == sum(len(e["edges"]) for e in transition_meta().values())
    for i, label in enumerate(labels):
        assert all(overlap(label, box) == 0 for box in boxes), diagram.arrows[i].label
        assert all(overlap(label, other) == 0 for other in labels[i + 1 :]), diagram.arrows[i].label
        assert 0 <= label[0] and label[2] <= diagram.width
        assert 0 <= label[1] and label[3] <= diagram.height


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_arrows_run_through_no_state_they_do_not_join(language):
    diagram = diagram_in(language)
    for arrow in diagram.arrows:
        others = [
            grow(b.rect, CLEARANCE / 2)
            for b in diagram.boxes
            if b.state not in (arrow.source, arrow.target)
        ]
        for step in range(1, 40):
            x, y = arrow.point(step / 40)
            assert not any(r[0] < x < r[2] and r[1] < y < r[3] for r in others), arrow.name


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_state_name_fits_its_box(language):
    for box in diagram_in(language).boxes:
        assert text_width(box.label, STATE_FONT) < box.w


def test_text_width_counts_chinese_characters_as_one_em():
    assert text_width("审核通过", 10) == 40
    assert text_width("Approve", 10) == pytest.approx(43.4)
