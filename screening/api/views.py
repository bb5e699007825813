"""API endpoints for who I am, projects, screening one payload, the barometer and rule sets.

Every query starts from permissions.py's scope: what the user may not see does not exist (404).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken
from screening import permissions
from screening.api.common import ERRORS_LIST, ERRORS_READ, error
from screening.api.errors import ApiError
from screening.api.filters import BarometerFilter, ScopedFilterBackend
from screening.api.serializers_projects import (
    MeSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ScreenRequestSerializer,
    ScreenResultSerializer,
)
from screening.api.serializers_rules import (
    IndicatorMonthSerializer,
    RuleSetDetailSerializer,
    RuleSetSerializer,
)
from screening.api.single_screening import PayloadErrors, screen_payload
from screening.ledger.filters import ProjectFilter
from screening.models import IndicatorMonth, Project, RuleSet
from screening.screen import NoRuleSetInForce


class MeView(APIView):
    """Who the token or session belongs to, with the user's regions."""

    @extend_schema(
        operation_id="me", responses={200: MeSerializer, **ERRORS_READ}, tags=["account"]
    )
    def get(self, request: Request) -> Response:
        user = request.user
        token = request.auth if isinstance(request.auth, ApiToken) else None
        data = {
            "username": user.username,
            "name": user.get_full_name(),
            "role": user.role,
            "role_label": str(user.get_role_display()),
            "regions": [
                {"code": r.code, "name": r.name, "name_en": r.name_en}
                for r in user.regions.order_by("code")
            ],
            "upload_regions": [r.code for r in permissions.uploadable_regions(user)],
            "token": (
                {
                    "name": token.name,
                    "prefix": token.prefix,
                    "created_at": token.created_at.isoformat(),
                }
                if token
                else None
            ),
        }
        return Response(MeSerializer(data).data)


# --- Projects ---------------------------------------------------------------------------------


@extend_schema(tags=["projects"])
class ProjectList(generics.ListAPIView):
    """The ledger's projects in your regions, with the project list's filters (the web page's
    ProjectFilter): q, region, sector, stage, verdict, disposition, in_scope, status
    (default active), ordering."""

    serializer_class = ProjectSerializer
    filter_backends = [ScopedFilterBackend]
    filterset_class = ProjectFilter
    filterset_takes_user = True

    def get_queryset(self):
        return (
            permissions.scoped(Project.objects, self.request.user)
            .select_related("region")
            .order_by("region__code", "project_code")
        )

    @extend_schema(responses={200: ProjectSerializer(many=True), **ERRORS_LIST})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["projects"])
class ProjectDetail(generics.RetrieveAPIView):
    """One project: every ledger field, its latest screening with findings, its cases."""

    serializer_class = ProjectDetailSerializer

    def get_queryset(self):
        return permissions.scoped(Project.objects, self.request.user).select_related("region")

    @extend_schema(responses={200: ProjectDetailSerializer, **ERRORS_READ})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


# --- Screening one payload ------------------------------------------------------------------


class ScreenProject(APIView):
    """Validate and screen one project given as JSON; nothing is stored."""

    @extend_schema(
        operation_id="screen_project",
        tags=["screening"],
        request=ScreenRequestSerializer,
        responses={
            200: ScreenResultSerializer,
            400: error("The payload is not a valid ledger row; details list every cell error."),
            422: error("No rule set is in force on as_of."),
            **ERRORS_READ,
        },
    )
    def post(self, request: Request) -> Response:
        body = ScreenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        as_of = body.validated_data.get("as_of") or timezone.localdate()
        name = body.validated_data.get("rule_set") or None
        if name and not RuleSet.objects.filter(name=name).exists():
            raise ApiError(
                400,
                "invalid",
                _("The request is not valid."),
                [
                    {
                        "field": "rule_set",
                        "code": "unknown",
                        "message": _("There is no rule set named “%(name)s”.") % {"name": name},
                    }
                ],
            )
        try:
            result = screen_payload(body.validated_data["project"], request.user, as_of, name)
        except PayloadErrors as errors:
            raise ApiError(
                400, "invalid_project", _("The project is not a valid ledger row."), errors.errors
            ) from None
        except NoRuleSetInForce as refusal:
            raise ApiError(422, "no_rule_set", refusal.user_message()) from None
        return Response(ScreenResultSerializer(result.as_dict()).data)


# --- Barometer --------------------------------------------------------------------------------


@extend_schema(tags=["barometer"])
class BarometerList(generics.ListAPIView):
    """The published monthly barometer (能耗双控晴雨表) of your regions, by region and month.

    Unpublished months are the provincial reviewer's working copy and are never listed."""

    serializer_class = IndicatorMonthSerializer
    filter_backends = [ScopedFilterBackend]
    filterset_class = BarometerFilter
    filterset_takes_user = True

    def get_queryset(self):
        return (
            permissions.scoped(IndicatorMonth.objects, self.request.user)
            .filter(published_at__isnull=False)
            .exclude(region__level="province")
            .select_related("region", "rule_set")
            .order_by("-year", "-month", "region__code")
        )

    @extend_schema(responses={200: IndicatorMonthSerializer(many=True), **ERRORS_LIST})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


# --- Rule sets --------------------------------------------------------------------------------


@extend_schema(tags=["rule sets"])
class RuleSetList(generics.ListAPIView):
    """Every rule set, newest first, and which is in force today."""

    serializer_class = RuleSetSerializer

    def get_queryset(self):
        return RuleSet.objects.order_by("-effective_from")

    def get_serializer_context(self) -> dict:
        return {
            **super().get_serializer_context(),
            "in_force": RuleSet.in_force(timezone.localdate()),
        }

    @extend_schema(responses={200: RuleSetSerializer(many=True), **ERRORS_READ})
    def get(self, request: Request, *args, **kwargs) -> Response:
        if not permissions.can_view_rule_sets(request.user):
            raise ApiError(
                status.HTTP_403_FORBIDDEN, "forbidden", _("You may not see the rule sets.")
            )
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["rule sets"])
class RuleSetDetail(generics.RetrieveAPIView):
    """One rule set with every parameter: its value, source, status and note."""

    serializer_class = RuleSetDetailSerializer
    lookup_field = "name"
    queryset = RuleSet.objects.all()

    @extend_schema(responses={200: RuleSetDetailSerializer, **ERRORS_READ})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)
