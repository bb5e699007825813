"""After commit, the people the case now waits for get one e-mail (text and HTML)."""

from django.core import mail

from screening.cases import services as workflow
from screening.cases import tasks
from screening.cases.refusals import TransitionRefused
from screening.models import CaseState
from tests.factories import case_in_state, complete_an_evaluation


def test_submitting_mails_the_city_reviewer_after_commit(
    people, django_capture_on_commit_callbacks
):
    case = case_in_state(CaseState.DRAFT, agency=people["agency"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.submit_case(case, acting_user=people["agency"])
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["city_a@example.org"]]
    message = mail.outbox[0]
    assert case.project.project_code in message.subject
    assert f"/cases/{case.pk}/" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and f"/cases/{case.pk}/" in html


def test_forwarding_mails_the_provincial_reviewers(people, django_capture_on_commit_callbacks):
    case = case_in_state(CaseState.SUBMITTED, agency=people["agency"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.forward_case(case, acting_user=people["city"], opinion="同意")
    assert [m.to for m in mail.outbox] == [["province@example.org"]]


def test_a_decision_mails_the_agency(people, django_capture_on_commit_callbacks):
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"])
    complete_an_evaluation(case, people["province"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_case(case, acting_user=people["province"])
    assert [m.to for m in mail.outbox] == [["agency_a@example.org"]]


def test_nothing_is_sent_before_commit_nor_for_a_refusal(
    people, django_capture_on_commit_callbacks
):
    case = case_in_state(CaseState.SUBMITTED, agency=people["agency"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            workflow.approve_case(case, acting_user=people["province"])
        except TransitionRefused:
            pass
    assert callbacks == [] and mail.outbox == []


def test_the_notice_is_sent_once_even_if_the_task_runs_twice(people):
    case = case_in_state(CaseState.SUBMITTED, agency=people["agency"])
    event = case.events.get(transition="submit")
    assert tasks.notify_case_event(event.pk) == 1
    assert tasks.notify_case_event(event.pk) == 0
    assert len(mail.outbox) == 1


def test_each_person_is_written_to_in_their_own_language(
    people, django_capture_on_commit_callbacks
):
    """The city reviewer switched the site to English: the notice comes in English; the
    site's language (Chinese) for those who never chose."""
    people["city"].language = "en"
    people["city"].save(update_fields=["language"])
    case = case_in_state(CaseState.DRAFT, agency=people["agency"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_case(case, acting_user=people["agency"])
    english = mail.outbox[0]
    assert english.subject.startswith(f"Case {case.project.project_code} is waiting for you")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.forward_case(case, acting_user=people["city"], opinion="同意")
    chinese = mail.outbox[0]  # the provincial reviewer never chose: Chinese
    assert not chinese.subject.startswith("Case ") and "待您" in chinese.subject
