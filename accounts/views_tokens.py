"""The profile page's API tokens: create one (shown once), see when each was last used,
revoke it. A user only ever sees and revokes their own tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from screening.api.authentication import MAX_ACTIVE_TOKENS, issue_token, revoke_token

from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the system that will use it."),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens; POST creates one and shows its secret this one time."""
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        active = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).count()
        if active >= MAX_ACTIVE_TOKENS:
            form.add_error(
                None,
                _("You have %(n)s active tokens: revoke one first.") % {"n": MAX_ACTIVE_TOKENS},
            )
        else:
            token, raw = issue_token(request.user, form.cleaned_data["name"])
            created = {"token": token, "raw": raw}
            form = TokenForm()
    response = render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-id"),
        },
    )
    add_never_cache_headers(response)  # the secret must not stay in any cache
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_token(token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
