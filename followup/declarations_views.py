"""Pages of the commitments made elsewhere (commitments' Declaration): declaring one for a
commune, its page (with the buttons to confirm, refuse or withdraw it), its proof file,
the declarations waiting for one's confirmation, and the spreadsheet import."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commitments import declarations as services
from commitments import queries as commitments_queries
from commitments.models import PROOF_FOLDER, Declaration
from commitments.rules import declaring_capacities, reviewing_capacities
from core.actions import perform
from core.permissions import require
from core.uploads import file_response

from . import declarations_imports, queries
from .declarations_forms import DecisionForm, DeclarationForm, FrameworkChoiceForm, WithdrawForm


def _commune(code):
    commune = queries.commune_get(code)
    if commune is None:
        raise Http404
    return commune


def _framework(request):
    """The framework chosen (GET, or the POSTed form's hidden field), or None."""
    form = FrameworkChoiceForm(request.GET if "referentiel" in request.GET else request.POST or None)
    return form.cleaned_data["referentiel"] if form.is_bound and form.is_valid() else None


def _committer_asked(request):
    """« Ma commune » links here to record a council's deliberation (?committed_by=council)."""
    committed_by = request.GET.get("committed_by", "")
    return {"committed_by": committed_by} if committed_by in Declaration.CommittedBy.values else {}


def _declared_message(declaration):
    if declaration.awaits_confirmation:
        return _("The commitment is declared: it shows on the follow-up, to be confirmed.")
    return _("The deliberation is recorded and confirmed: its items are the commune's commitments.")


@login_required
@require_http_methods(["GET", "POST"])
def declaration_create(request, code):
    commune = _commune(code)
    require(request, "commitments.declare", commune)
    framework = _framework(request)
    form = None
    if framework is not None:
        form = DeclarationForm(
            request.POST or None,
            request.FILES or None,
            framework=framework,
            capacities=declaring_capacities(request.user, commune),
            initial=_committer_asked(request),
        )
        if (
            request.method == "POST"
            and form.is_valid()
            and (
                outcome := perform(
                    request,
                    lambda: services.declaration_create(
                        commune=commune, user=request.user, **form.arguments()
                    ),
                    errors=services.DeclarationError,
                    form=form,
                    success=_declared_message,
                )
            )
        ):
            return redirect(outcome.result)
    return render(
        request,
        "followup/declarations/form.html",
        {
            "commune": commune,
            "framework": framework,
            "framework_form": FrameworkChoiceForm(initial={"referentiel": framework}),
            "form": form,
        },
    )


def _visible(request, code, pk):
    commune = _commune(code)
    declaration = commitments_queries.declaration_get(commune, int(pk))
    if declaration is None or not request.user.has_perm("commitments.view_declaration", declaration):
        raise Http404
    return declaration


def _decision_form(data, capacities, *, refusal):
    """The form to confirm or to refuse (both on one page: their fields' ids differ)."""
    auto_id = "refuse_%s" if refusal else "confirm_%s"
    return DecisionForm(data, capacities=capacities, refusal=refusal, auto_id=auto_id)


def _detail(request, declaration, **forms):
    """A declaration's page, with the forms its reader may use (`forms`: those sent back with errors)."""
    user = request.user
    capacities = reviewing_capacities(user, declaration)
    if user.has_perm("commitments.confirm_declaration", declaration):
        forms.setdefault("confirm_form", _decision_form(None, capacities, refusal=False))
        forms.setdefault("refuse_form", _decision_form(None, capacities, refusal=True))
    if user.has_perm("commitments.withdraw_declaration", declaration):
        forms.setdefault("withdraw_form", WithdrawForm())
    return render(
        request,
        "followup/declarations/detail.html",
        {
            "declaration": declaration,
            "commune": declaration.commune,
            "sees_proof": user.has_perm("commitments.view_declaration_proof", declaration),
            "history": commitments_queries.declaration_history(declaration),
            **forms,
        },
    )


@require_GET
def declaration_detail(request, code, pk):
    return _detail(request, _visible(request, code, pk))


def _decide(request, code, pk, *, refusal):
    declaration = _visible(request, code, pk)
    require(
        request,
        "commitments.refuse_declaration" if refusal else "commitments.confirm_declaration",
        declaration,
    )
    form = _decision_form(request.POST, reviewing_capacities(request.user, declaration), refusal=refusal)
    if form.is_valid():
        capacity, organization = form.cleaned_data["decided_as"]
        service = services.declaration_refuse if refusal else services.declaration_confirm
        arguments = {
            "declaration": declaration,
            "user": request.user,
            "capacity": capacity,
            "organization": organization,
            "reason" if refusal else "note": form.cleaned_data["reason"],
        }
        success = _("The declaration is refused.") if refusal else _("The declaration is confirmed.")
        if perform(
            request,
            lambda: service(**arguments),
            errors=services.DeclarationError,
            form=form,
            success=success,
        ):
            return redirect(declaration)
    forms = {"refuse_form" if refusal else "confirm_form": form}
    return _detail(request, declaration, **forms)


@login_required
@require_POST
def declaration_confirm(request, code, pk):
    return _decide(request, code, pk, refusal=False)


@login_required
@require_POST
def declaration_refuse(request, code, pk):
    return _decide(request, code, pk, refusal=True)


@login_required
@require_POST
def declaration_withdraw(request, code, pk):
    declaration = _visible(request, code, pk)
    require(request, "commitments.withdraw_declaration", declaration)
    form = WithdrawForm(request.POST)
    if form.is_valid() and perform(
        request,
        lambda: services.declaration_withdraw(
            declaration=declaration, user=request.user, reason=form.cleaned_data["reason"]
        ),
        errors=services.DeclarationError,
        form=form,
        success=_("The declaration is withdrawn: its items no longer count."),
    ):
        return redirect("followup:board", declaration.commune.code)
    return _detail(request, declaration, withdraw_form=form)


@require_GET
def declaration_file(request, name):
    """A declaration's document, for its declarer, those who may confirm it, and staff."""
    declaration = commitments_queries.declaration_proof_get(name)
    if declaration is None or not request.user.has_perm("commitments.view_declaration_proof", declaration):
        raise Http404
    return file_response(f"{PROOF_FOLDER}/{name}")


@login_required
@require_GET
def declarations_to_confirm(request):
    return render(
        request,
        "followup/declarations/to_confirm.html",
        {
            "page": commitments_queries.declarations_to_confirm(request.user, page=request.GET.get("page")),
            "can_import": request.user.has_perm("commitments.import_declarations"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def declarations_import(request):
    require(request, "commitments.import_declarations")
    return declarations_imports.import_page(request)


@login_required
@require_GET
def declarations_import_template(request, fmt):
    require(request, "commitments.import_declarations")
    content, content_type, filename = declarations_imports.template(fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
