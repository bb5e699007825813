"""Background jobs of the screening app (Celery). Thin: they take ids and call services.

The review workflow's notice: after a step, e-mail the people the case now waits for.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role, User
from screening import permissions
from screening.models import FINAL_STATES, CaseEvent, CaseState, Region, ReviewCase

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def _review_line(region: Region) -> list[int]:
    """The region and every region it reports to, up to the province (whose members see it)."""
    ids: list[int] = []
    current: Region | None = region
    while current is not None and current.pk not in ids:
        ids.append(current.pk)
        current = current.reports_to
    return ids


def recipients_for(case: ReviewCase, actor_id: int | None = None) -> list[User]:
    """Who the case waits for now; for a finished case, the agency (to learn the decision)."""
    members = (
        User.objects.filter(is_active=True, regions__in=_review_line(case.region))
        .exclude(email="")
        .distinct()
    )
    state = case.state
    if state in permissions.AGENCY_STATES or state in FINAL_STATES:
        candidates = members.filter(role=Role.AGENCY)
        check = permissions.is_case_agency
    elif state in permissions.CITY_STATES:
        candidates = members.filter(role=Role.CITY_REVIEWER)
        check = permissions.reviews_as_city
    elif state in permissions.PROVINCE_STATES:
        candidates = members.filter(role=Role.PROVINCIAL_REVIEWER)
        check = permissions.decides_as_province
    else:
        return []
    return [u for u in candidates.order_by("pk") if u.pk != actor_id and check(case, u)]


def send_case_event_notice(event_id: int) -> int:
    """Send the notice of one event once: the event is claimed before anything is sent."""
    claimed = CaseEvent.objects.filter(pk=event_id, notified_at=None).update(
        notified_at=timezone.now()
    )
    if claimed != 1:
        return 0  # already sent (the task ran twice) or no such event
    event = CaseEvent.objects.select_related("case__project", "case__region", "actor").get(
        pk=event_id
    )
    case = event.case
    documents = [(d.download_name, _read(d.file)) for d in event.documents.all()]
    sent = 0
    for user in recipients_for(case, actor_id=event.actor_id):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {
                "case": case,
                "event": event,
                "user": user,
                "state": CaseState(case.state).label,
                "url": settings.SITE_URL.rstrip("/") + reverse("screening:case", args=[case.pk]),
                "waits_for_you": not case.is_final,
            }
            subject = render_to_string("emails/case-subject.txt", context).strip()
            body = render_to_string("emails/case-body.txt", context)
            html = render_to_string("emails/case-body.html", context)
            message = EmailMultiAlternatives(
                " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email]
            )
            message.attach_alternative(html, "text/html")
            for name, content in documents:  # the decision document of this step (issue 18)
                message.attach(name, content, DOCX_TYPE)
            message.send()
            sent += 1
    return sent


@shared_task(acks_late=True, name="screening.tasks.notify_case_event")
def notify_case_event(event_id: int) -> int:
    """E-mail the people a case now waits for after one of its events; safe to run twice."""
    return send_case_event_notice(event_id)
