"""The registry's API endpoints: the web forms' actions for agency systems, with the same
validation (the forms), the same services and the same scope. Invisible objects are 404, a
role that may not act 403, a refusal of the registry (over-drawn, withdrawn …) 409."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from screening import permissions
from screening.api.common import ERRORS_READ, ERRORS_WRITE, error
from screening.api.errors import ApiError, form_errors
from screening.labels import request_language
from screening.models import (
    CapacityDraw,
    CapacitySource,
    RegistryUpload,
    RegistryUploadKind,
    ReplacementPlan,
)
from screening.registry import queries, services, upload
from screening.registry.checks import parse_source_number
from screening.registry.forms import DrawForm, PlanForm, ReasonForm, SourceForm
from screening.rules.text import jnum

ERRORS_ACTION = {409: error("The registry refuses the action (see message)."), **ERRORS_WRITE}


class SourceSerializer(serializers.ModelSerializer):
    """A retired production line or unit (退出产能) with what is drawn from it."""

    number = serializers.CharField(read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = CapacitySource
        fields = [
            "id",
            "number",
            "region",
            "enterprise",
            "uscc",
            "family",
            "capacity",
            "capacity_unit",
            "equipment",
            "shutdown_date",
            "dismantled_date",
            "verification_ref",
            "verification_date",
            "verifier",
            "subsidised",
            "mandatory_elimination",
            "eligibility_notes",
            "drawn",
        ]


class DrawSerializer(serializers.ModelSerializer):
    """One draw of a plan on a source; returned draws stay, with when and why."""

    source_number = serializers.CharField(source="source.number", read_only=True)

    class Meta:
        model = CapacityDraw
        fields = [
            "id",
            "source",
            "source_number",
            "amount",
            "drawn_at",
            "returned_at",
            "return_reason",
        ]


class PlanSerializer(serializers.ModelSerializer):
    """A capacity-replacement plan (产能置换方案) with its draws."""

    region = serializers.CharField(source="region.code", read_only=True)
    draws = DrawSerializer(many=True, read_only=True)

    class Meta:
        model = ReplacementPlan
        fields = [
            "id",
            "ref",
            "plan_date",
            "region",
            "enterprise",
            "uscc",
            "family",
            "new_capacity",
            "capacity_unit",
            "project_codes",
            "status",
            "withdrawn_at",
            "withdrawal_reason",
            "published_at",
            "draws",
        ]


class RegistryUploadSerializer(serializers.ModelSerializer):
    """A registry upload: its status, errors (both languages) or preview."""

    class Meta:
        model = RegistryUpload
        fields = [
            "id",
            "kind",
            "original_name",
            "status",
            "message",
            "data_rows",
            "errors",
            "preview",
            "created_at",
            "applied_at",
        ]


class SourceInputSerializer(serializers.Serializer):
    """The fields of the web form (`region` is the region's id or 6-digit code)."""

    region = serializers.CharField()
    enterprise = serializers.CharField()
    uscc = serializers.CharField()
    family = serializers.CharField()
    capacity = serializers.DecimalField(max_digits=24, decimal_places=10)
    capacity_unit = serializers.CharField()
    equipment = serializers.CharField()
    shutdown_date = serializers.DateField(required=False)
    dismantled_date = serializers.DateField(required=False)
    verification_ref = serializers.CharField(required=False)
    verification_date = serializers.DateField(required=False)
    verifier = serializers.CharField(required=False)
    subsidised = serializers.BooleanField(required=False)
    mandatory_elimination = serializers.BooleanField(required=False)
    eligibility_notes = serializers.CharField(required=False)


class PlanInputSerializer(serializers.Serializer):
    """The fields of the web form; `project_codes` separated by commas."""

    region = serializers.CharField()
    ref = serializers.CharField()
    plan_date = serializers.DateField()
    enterprise = serializers.CharField()
    uscc = serializers.CharField()
    family = serializers.CharField()
    new_capacity = serializers.DecimalField(max_digits=24, decimal_places=10)
    capacity_unit = serializers.CharField()
    project_codes = serializers.CharField(required=False)


class DrawInputSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="The source number, e.g. TC000012.")
    amount = serializers.DecimalField(max_digits=24, decimal_places=10)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class PublishSerializer(serializers.Serializer):
    publish = serializers.BooleanField(default=True)


class UploadInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RegistryUploadKind.choices)
    file = serializers.FileField()
    mode = serializers.ChoiceField(choices=["validate", "apply"], default="validate")


def _body(request: Request) -> dict:
    """The request body as a flat mapping (a JSON list or scalar is a 400, never a 500)."""
    if not hasattr(request.data, "get"):
        raise ApiError(400, "invalid", _("The request is not valid."))
    data = {}
    for key in request.data:
        value = request.data.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # the forms read text, as from the web page
        elif not (
            value is None
            or isinstance(value, str)
            or (
                key == "project_codes"
                and isinstance(value, list)
                and all(isinstance(code, str) for code in value)
            )
        ):
            raise ApiError(
                400,
                "invalid",
                _("The request is not valid."),
                [{"field": str(key), "code": "invalid", "message": _("Give text or a number.")}],
            )
        data[key] = value
    return data


def _form_data(request: Request, regions) -> dict:
    data = _body(request)
    code = str(data.get("region") or "")
    by_code = {r.code: r.pk for r in regions}
    if code in by_code:
        data["region"] = by_code[code]
    return data


def _invalid(form) -> ApiError:
    return ApiError(400, "invalid", _("The request is not valid."), form_errors(form))


def _require_entry(user) -> list:
    regions = permissions.registry_editable_regions(user)
    if not regions or not permissions.can_enter_registry(user):
        raise ApiError(403, "forbidden", _("You may not change the registry of this region."))
    return regions


def _refused(refusal: services.RegistryRefused) -> ApiError:
    return ApiError(409, "refused", str(refusal))


def _register(
    request: Request, form_class, register, serializer_class, prepare=lambda data: data
) -> Response:
    """A POST that registers a source or a plan: the user's regions, the form, the service;
    201 with the new entry."""
    regions = _require_entry(request.user)
    form = form_class(
        prepare(_form_data(request, regions)),
        regions=regions,
        families=queries.replacement_families(),
    )
    if not form.is_valid():
        raise _invalid(form)
    try:
        entry = register(form.to_data(), user=request.user)
    except services.RegistryRefused as refusal:
        raise _refused(refusal) from None
    return Response(serializer_class(entry).data, status=201)


def _codes_as_text(data: dict) -> dict:
    if isinstance(data.get("project_codes"), list):
        data["project_codes"] = ",".join(data["project_codes"])
    return data


@extend_schema(tags=["registry"])
class SourceList(generics.ListAPIView):
    """Retired capacity in your regions; POST registers a source (agency: own regions)."""

    serializer_class = SourceSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        return queries.sources_visible_to(self.request.user).order_by("id")

    @extend_schema(
        request=SourceInputSerializer, responses={201: SourceSerializer, **ERRORS_ACTION}
    )
    def post(self, request: Request) -> Response:
        return _register(request, SourceForm, services.register_source, SourceSerializer)


@extend_schema(tags=["registry"])
class SourceDetail(generics.RetrieveAPIView):
    """One source of your regions."""

    serializer_class = SourceSerializer

    def get_queryset(self):
        return queries.sources_visible_to(self.request.user)


@extend_schema(tags=["registry"])
class PlanList(generics.ListAPIView):
    """Replacement plans of your regions with their draws; POST registers a plan."""

    serializer_class = PlanSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        return (
            queries.plans_visible_to(self.request.user)
            .prefetch_related("draws__source")
            .order_by("id")
        )

    @extend_schema(request=PlanInputSerializer, responses={201: PlanSerializer, **ERRORS_ACTION})
    def post(self, request: Request) -> Response:
        return _register(
            request, PlanForm, services.register_plan, PlanSerializer, prepare=_codes_as_text
        )


@extend_schema(tags=["registry"])
class PlanDetail(generics.RetrieveAPIView):
    """One plan of your regions with every draw (returned ones too)."""

    serializer_class = PlanSerializer

    def get_queryset(self):
        return queries.plans_visible_to(self.request.user).prefetch_related("draws__source")


def _plan_for(request: Request, pk: int) -> ReplacementPlan:
    plan = queries.plans_visible_to(request.user).filter(pk=pk).first()
    if plan is None:
        raise ApiError(404, "not_found", _("Does not exist or is outside your regions."))
    return plan


def _editable_plan_for(request: Request, pk: int) -> ReplacementPlan:
    plan = _plan_for(request, pk)
    if not permissions.can_edit_registry(request.user, plan.region_id):
        raise ApiError(403, "forbidden", _("You may not change the registry of this region."))
    return plan


class PlanDraw(APIView):
    """Draw capacity from a source for the plan (409 with what remains when it does not fit)."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        tags=["registry"],
        request=DrawInputSerializer,
        responses={201: DrawSerializer, **ERRORS_ACTION},
    )
    def post(self, request: Request, pk: int) -> Response:
        plan = _editable_plan_for(request, pk)
        form = DrawForm(_body(request))
        if not form.is_valid():
            raise _invalid(form)
        number = parse_source_number(form.cleaned_data["source"])
        source = CapacitySource.objects.filter(pk=number).first() if number else None
        if source is None or not permissions.may_see_region(request.user, source.region_id):
            raise ApiError(400, "invalid", _("No registered source has this number."))
        try:
            item = services.draw(plan, source, form.cleaned_data["amount"], user=request.user)
        except services.RegistryRefused as refusal:
            raise _refused(refusal) from None
        return Response(DrawSerializer(item).data, status=201)


class PlanWithdraw(APIView):
    """Withdraw the plan: its draws go back to their sources and stay in the history."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        tags=["registry"],
        request=ReasonSerializer,
        responses={200: PlanSerializer, **ERRORS_ACTION},
    )
    def post(self, request: Request, pk: int) -> Response:
        plan = _editable_plan_for(request, pk)
        form = ReasonForm(_body(request))
        if not form.is_valid():
            raise _invalid(form)
        try:
            plan = services.withdraw_plan(
                plan, user=request.user, reason=form.cleaned_data["reason"]
            )
        except services.RegistryRefused as refusal:
            raise _refused(refusal) from None
        return Response(PlanSerializer(plan).data)


class PlanPublish(APIView):
    """Publish the plan in the public list, or take it off (provincial reviewer)."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        tags=["registry"],
        request=PublishSerializer,
        responses={200: PlanSerializer, **ERRORS_ACTION},
    )
    def post(self, request: Request, pk: int) -> Response:
        plan = _plan_for(request, pk)
        if not permissions.can_publish_plans(request.user):
            raise ApiError(403, "forbidden", _("Only the provincial reviewer publishes plans."))
        body = PublishSerializer(data=_body(request))
        body.is_valid(raise_exception=True)
        try:
            plan = services.publish_plan(
                plan, user=request.user, publish=body.validated_data["publish"]
            )
        except services.RegistryRefused as refusal:
            raise _refused(refusal) from None
        return Response(PlanSerializer(plan).data)


class UploadCreate(APIView):
    """Upload a registry workbook (multipart: kind, file, mode validate|apply): 201 with its
    status and errors or preview; with mode=apply a valid file is registered at once."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["registry"],
        request={"multipart/form-data": UploadInputSerializer},
        responses={201: RegistryUploadSerializer, **ERRORS_ACTION},
    )
    def post(self, request: Request) -> Response:
        _require_entry(request.user)
        body = UploadInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        file = body.validated_data["file"]
        if file.size == 0:
            raise ApiError(400, "invalid", _("The file is empty."))
        item = upload.receive(
            request.user,
            body.validated_data["kind"],
            file,
            file.name or "registry.xlsx",
            request_language(),
        )
        if body.validated_data["mode"] == "apply" and item.preview:
            try:
                upload.apply(item, request.user, request_language())
            except upload.ApplyRefused as refusal:
                raise ApiError(409, "refused", str(refusal)) from None
            item.refresh_from_db()
        return Response(RegistryUploadSerializer(item).data, status=201)


class UploadApply(APIView):
    """Confirm a previewed registry upload of yours: everything or nothing is registered."""

    @extend_schema(
        tags=["registry"], request=None, responses={200: RegistryUploadSerializer, **ERRORS_ACTION}
    )
    def post(self, request: Request, pk: int) -> Response:
        item = RegistryUpload.objects.filter(pk=pk, uploaded_by=request.user).first()
        if item is None:
            raise ApiError(404, "not_found", _("Does not exist or is outside your regions."))
        try:
            upload.apply(item, request.user, request_language())
        except upload.ApplyRefused as refusal:
            raise ApiError(409, "refused", str(refusal)) from None
        item.refresh_from_db()
        return Response(RegistryUploadSerializer(item).data)


class CrossChecks(APIView):
    """The cross-checks (province-wide users): shared sources, ledger disagreements and
    cross-region draws, each sorted by risk."""

    @extend_schema(
        tags=["registry"],
        responses={
            200: OpenApiResponse(description="The three lists."),
            403: error("Not a province-wide user."),
            **ERRORS_READ,
        },
    )
    def get(self, request: Request) -> Response:
        if not permissions.can_view_registry_cross_checks(request.user):
            raise ApiError(403, "forbidden", _("Only province-wide users see the cross-checks."))
        checks = queries.cross_checks_now()
        return Response(
            {
                "shared_sources": [
                    {
                        "risk": item.risk.name.lower(),
                        "source": item.source.number,
                        "region": item.source.region,
                        "capacity": jnum(item.source.capacity),
                        "drawn": jnum(item.drawn),
                        "reasons": item.reasons,
                        "plans": [
                            {"ref": plan.ref, "region": plan.region, "amount": jnum(amount)}
                            for plan, amount in item.draws
                        ],
                    }
                    for item in checks.shared_sources
                ],
                "ledger_mismatches": [
                    {
                        "risk": item.risk.name.lower(),
                        "plan": item.plan.ref,
                        "region": item.plan.region,
                        "drawn": jnum(item.drawn),
                        "problems": [
                            {
                                k: (jnum(v) if not isinstance(v, str | None) else v)
                                for k, v in p.items()
                            }
                            for p in item.problems
                        ],
                    }
                    for item in checks.ledger_mismatches
                ],
                "cross_region": [
                    {
                        "risk": item.risk.name.lower(),
                        "source": item.source.number,
                        "source_region": item.source.region,
                        "plan": item.plan.ref,
                        "plan_region": item.plan.region,
                        "amount": jnum(item.amount),
                    }
                    for item in checks.cross_region
                ],
            }
        )
