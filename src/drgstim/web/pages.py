"""Server-rendered web pages of the clinic service.

Each page is a small Jinja2 template; the interactive parts (body map, diary, trial chart,
programmer, patient controller) are vanilla JavaScript under ``static/`` that call the JSON
API under ``/api`` with the session's CSRF token. Routes hold no business logic: they check
who is logged in, pick the template and hand it the ids and reference data it needs.
"""

from __future__ import annotations

import hmac
import uuid
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from drgstim.api.auth import (
    CSRF_FORM_FIELD,
    CSRF_HEADER,
    TooManyAttemptsError,
    attempt_login,
    csrf_token,
    login_session,
)
from drgstim.api.auth import logout_session as end_session
from drgstim.api.deps import SessionDep, SettingsDep, client_address, optional_user
from drgstim.storage.models import Role, User
from drgstim.web.bodymap import body_map
from drgstim.web.reference import trial_success_threshold_pct

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

STAFF_ROLES = frozenset({Role.ADMIN, Role.CLINICIAN, Role.NURSE, Role.PROGRAMMER})
PROGRAMMING_ROLES = frozenset({Role.CLINICIAN, Role.PROGRAMMER})
# Pages a patient may open for their own record (the API still scopes every read/write).
WITH_PATIENT = STAFF_ROLES | {Role.PATIENT}
# Who may open each tool page of a patient: the routes refuse everyone else, and the
# patient page links only the tools the user's role may open (one list for both).
TOOL_ROLES: dict[str, frozenset[Role]] = {
    "assessment": frozenset({Role.CLINICIAN, Role.NURSE}),
    "trial": WITH_PATIENT,
    "diary": frozenset({Role.CLINICIAN, Role.NURSE, Role.PATIENT}),
    "programmer": STAFF_ROLES,
    "controller": frozenset({Role.CLINICIAN, Role.PROGRAMMER, Role.PATIENT}),
    "follow-up": STAFF_ROLES,
    "consent": frozenset({Role.CLINICIAN, Role.NURSE, Role.PATIENT}),
}


def _tools(user: User) -> list[str]:
    """The tool pages this user's role may open."""
    return [name for name, roles in TOOL_ROLES.items() if Role(user.role) in roles]


def _templates() -> Jinja2Templates:
    folder = Path(str(resources.files("drgstim.web"))) / "templates"
    return Jinja2Templates(directory=folder)


_TEMPLATES = _templates()
OptionalUser = Annotated[User | None, Depends(optional_user)]


def _render(
    request: Request,
    template: str,
    user: User | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    base = {
        "user": user,
        "csrf_token": csrf_token(request.session),
        "csrf_header": CSRF_HEADER,
        "csrf_field": CSRF_FORM_FIELD,
        "roles": Role,
    }
    response = _TEMPLATES.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path
    return RedirectResponse(f"/login?next={target}", status_code=status.HTTP_303_SEE_OTHER)


def _home_of(user: User) -> str:
    if user.role == Role.PATIENT and user.patient_id is not None:
        return f"/patients/{user.patient_id}"
    return "/patients"


def _safe_next(target: str | None) -> str | None:
    """Only same-site absolute paths may follow a login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


def _refusal(user: User, patient_id: uuid.UUID, roles: frozenset[Role]) -> tuple[int, str] | None:
    """Why ``user`` may not open this patient's page (status, message), or None.

    Staff in ``roles`` see any patient; a patient user only their own pages, and another
    patient's pages answer "not found" so that their existence is not revealed.
    """
    role = Role(user.role)
    if role == Role.PATIENT:
        if user.patient_id != patient_id or Role.PATIENT not in roles:
            return status.HTTP_404_NOT_FOUND, "There is no such page."
        return None
    if role not in roles:
        names = ", ".join(sorted(r.value for r in roles))
        return (
            status.HTTP_403_FORBIDDEN,
            f"Your role ({role.value}) may not open this page; {names} may.",
        )
    return None


# --- log in / out ---------------------------------------------------------------------


@router.get("/", response_model=None)
def home(request: Request, user: OptionalUser) -> Response:
    if user is None:
        return _login_redirect(request)
    return RedirectResponse(_home_of(user), status_code=status.HTTP_303_SEE_OTHER)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, next: str | None = None) -> HTMLResponse:
    return _render(request, "login.html", user, next=_safe_next(next) or "", error="")


@router.post("/login", response_model=None)
def login_submit(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
    csrf: Annotated[str, Form(alias=CSRF_FORM_FIELD, max_length=200)] = "",
) -> Response:
    # Login CSRF: the form must come from a login page this browser loaded (its session's
    # token), so another site cannot log the browser into an account of its choosing.
    expected = request.session.get("csrf")
    if not csrf or not isinstance(expected, str) or not hmac.compare_digest(csrf, expected):
        return _render(
            request,
            "login.html",
            None,
            status_code=status.HTTP_403_FORBIDDEN,
            next=_safe_next(next) or "",
            error="The login form expired. Please log in again.",
            username=username,
        )
    try:
        throttle = request.app.state.login_throttle
        user = attempt_login(
            throttle, db, username, password, address=client_address(request), demo=settings.demo
        )
    except TooManyAttemptsError as exc:
        response = _render(
            request,
            "login.html",
            None,
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            next=_safe_next(next) or "",
            error=f"Too many failed logins. Please wait {exc.retry_after_s} s and try again.",
            username=username,
        )
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    if user is None:
        return _render(
            request,
            "login.html",
            None,
            status_code=status.HTTP_401_UNAUTHORIZED,
            next=_safe_next(next) or "",
            error="Wrong username or password, or the account is disabled.",
            username=username,
        )
    login_session(request.session, user, db=db, max_age_s=settings.session_max_age_s)
    target = _safe_next(next) or _home_of(user)
    return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)


@router.post("/logout", response_model=None)
def logout(request: Request, user: OptionalUser, db: SessionDep) -> Response:
    # optional_user has already checked the form's CSRF token for a cookie session.
    end_session(request.session, db=db)
    return RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)


# --- patients -------------------------------------------------------------------------


@router.get("/patients", response_model=None)
def patients_page(request: Request, user: OptionalUser) -> Response:
    if user is None:
        return _login_redirect(request)
    if user.role == Role.PATIENT:
        return RedirectResponse(_home_of(user), status_code=status.HTTP_303_SEE_OTHER)
    from drgstim.api.schemas.patients import Sex

    sexes = [Sex.UNKNOWN.value] + [s.value for s in Sex if s != Sex.UNKNOWN]
    return _render(request, "patients.html", user, sexes=sexes)


def _patient_page(
    request: Request,
    user: User | None,
    patient_id: uuid.UUID,
    template: str,
    roles: frozenset[Role],
    **context: Any,
) -> Response:
    if user is None:
        return _login_redirect(request)
    refusal = _refusal(user, patient_id, roles) or _missing(user, patient_id)
    if refusal is not None:
        code, message = refusal
        return _render(request, "error.html", user, status_code=code, message=message)
    return _render(request, template, user, patient_id=str(patient_id), **context)


def _missing(user: User, patient_id: uuid.UUID) -> tuple[int, str] | None:
    """A patient id that names no patient: "not found", not a page that never loads."""
    from sqlalchemy.orm import object_session

    from drgstim.storage.models import Patient

    db = object_session(user)  # the request's session, which loaded the user
    if db is not None and db.get(Patient, patient_id) is None:
        return status.HTTP_404_NOT_FOUND, "There is no such patient."
    return None


@router.get("/patients/{patient_id}", response_model=None)
def timeline_page(request: Request, user: OptionalUser, patient_id: uuid.UUID) -> Response:
    from drgstim.api.schemas.patients import Sex

    return _patient_page(
        request,
        user,
        patient_id,
        "timeline.html",
        WITH_PATIENT,
        tools=_tools(user) if user is not None else [],
        readable=_readable(user) if user is not None else {},
        sexes=[s.value for s in Sex],
        labels=_labels("stages", "verdicts", "decisions"),
    )


def _readable(user: User) -> dict[str, bool]:
    """Per record list the timeline shows, whether this user's role may read it, from the
    API's own permission table, so that the page asks only for those it may (a patient
    reads trials and devices, not the clinic's assessments or reviews)."""
    from drgstim.api.routers.pathway import RESOURCES
    from drgstim.api.routers.reviews import REVIEW_READERS

    role = Role(user.role)
    lists = {r.path: role in r.readers for r in RESOURCES}
    return lists | {"reviews": role in REVIEW_READERS}


@router.get("/patients/{patient_id}/assessment", response_model=None)
def assessment_page(
    request: Request, user: OptionalUser, patient_id: uuid.UUID, id: uuid.UUID | None = None
) -> Response:
    return _patient_page(
        request,
        user,
        patient_id,
        "assessment.html",
        TOOL_ROLES["assessment"],
        body_map=body_map(),
        assessment_id=str(id) if id else "",
        screening_choices=_screening_choices(),
    )


def _screening_choices() -> dict[str, list[tuple[str, str]]]:
    """The screening's controlled vocabularies (value, label) for the assessment form's
    check boxes: diagnoses, treatments tried, conditions to review, anticoagulants (the
    drug labels of the screening rules' ASRA table)."""
    from drgstim.clinic._screening_rules import load_rules
    from drgstim.clinic.patient_guide import patient_labels
    from drgstim.clinic.screening import Anticoagulant, Condition, Diagnosis, Treatment

    def choices(kind: Any, vocabulary: str) -> list[tuple[str, str]]:
        words = patient_labels(vocabulary)
        return [(m.value, words.get(m.value, m.value.replace("_", " "))) for m in kind]

    return {
        "diagnoses": choices(Diagnosis, "diagnoses"),
        "failed_treatments": choices(Treatment, "treatments"),
        "conditions": choices(Condition, "clinic_conditions"),
        "anticoagulants": [
            (m.value, load_rules()["anticoagulants"]["drugs"][m.value]["label"])
            for m in Anticoagulant
        ],
    }


@router.get("/patients/{patient_id}/diary", response_model=None)
def diary_page(request: Request, user: OptionalUser, patient_id: uuid.UUID) -> Response:
    return _patient_page(
        request,
        user,
        patient_id,
        "diary.html",
        TOOL_ROLES["diary"],
    )


@router.get("/patients/{patient_id}/trial", response_model=None)
def trial_page(request: Request, user: OptionalUser, patient_id: uuid.UUID) -> Response:
    return _patient_page(
        request,
        user,
        patient_id,
        "trial.html",
        TOOL_ROLES["trial"],
        success_pct=trial_success_threshold_pct(),
        max_trial_days=_max_trial_days(),
        labels=_labels("decisions", "verdicts"),
        decisions=_decision_choices(),
    )


def _decision_choices() -> list[tuple[str, str]]:
    """What the clinician may decide at the review (value, plain words)."""
    from drgstim.clinic.review import DECISIONS

    words = _labels("decisions")["decisions"]
    return [(d.value, words[d.value]) for d in DECISIONS]


def _labels(*vocabularies: str) -> dict[str, dict[str, str]]:
    """Plain words for coded values (the patient guide's label tables)."""
    from drgstim.clinic.patient_guide import patient_labels

    return {name: patient_labels(name) for name in vocabularies}


def _max_trial_days() -> int:
    from drgstim.clinic.patient_guide import pathway_figures

    return pathway_figures()["trial_max_days"]


@router.get("/patients/{patient_id}/programmer", response_model=None)
def programmer_page(request: Request, user: OptionalUser, patient_id: uuid.UUID) -> Response:
    return _patient_page(
        request,
        user,
        patient_id,
        "programmer.html",
        TOOL_ROLES["programmer"],
        body_map=body_map(),
        may_program=user is not None and Role(user.role) in PROGRAMMING_ROLES,
    )


@router.get("/patients/{patient_id}/controller", response_model=None)
def controller_page(
    request: Request, user: OptionalUser, db: SessionDep, patient_id: uuid.UUID
) -> Response:
    return _patient_page(
        request,
        user,
        patient_id,
        "controller.html",
        TOOL_ROLES["controller"],
        areas=_lead_areas(db, patient_id),
    )


def _lead_areas(db: Any, patient_id: uuid.UUID) -> dict[str, str]:
    """The body area each DRG level treats for this patient, in the patient's words:
    "level:side" → the painful region whose dermatome this level covers most (the anatomy
    layer's weights), e.g. "L3:right" → "Right knee". Newer assessments name a level
    first; older ones fill in levels the newer ones do not mention."""
    from sqlalchemy import select

    from drgstim.anatomy import Region, dermatome_weights
    from drgstim.storage.models import Assessment

    assessments = db.scalars(
        select(Assessment)
        .where(Assessment.patient_id == patient_id)
        .order_by(Assessment.assessed_on.desc(), Assessment.created_at.desc())
    ).all()
    areas: dict[str, str] = {}
    for assessment in assessments:
        mine: dict[str, tuple[float, str]] = {}
        for entry in assessment.pain_map:
            try:
                region = Region(entry["region"])
            except ValueError:
                continue
            name = f"{str(entry['side']).capitalize()} {region.label.lower()}"
            for level, weight in dermatome_weights(region).items():
                key = f"{level}:{entry['side']}"
                if weight > mine.get(key, (0.0, ""))[0]:
                    mine[key] = (weight, name)
        for key, (_, name) in mine.items():
            areas.setdefault(key, name)
    return areas


@router.get("/patients/{patient_id}/follow-up", response_model=None)
def follow_up_page(request: Request, user: OptionalUser, patient_id: uuid.UUID) -> Response:
    from drgstim.api.schemas.clinical import ComplicationKind, Management, Severity
    from drgstim.clinic.patient_guide import ConsentProcedure, consent_document

    return _patient_page(
        request,
        user,
        patient_id,
        "followup.html",
        TOOL_ROLES["follow-up"],
        complication_kinds=[k.value for k in ComplicationKind],
        severities=[k.value for k in Severity],
        managements=[k.value for k in Management],
        procedures=[
            (p.value, consent_document(p)["title"])
            for p in ConsentProcedure
            if p != ConsentProcedure.TRIAL
        ],
    )


@router.get("/patients/{patient_id}/consent", response_model=None)
def consent_page(
    request: Request,
    user: OptionalUser,
    db: SessionDep,
    patient_id: uuid.UUID,
    procedure: str = "trial",
    id: uuid.UUID | None = None,
) -> Response:
    """Read and sign a consent (``procedure``), or one signed consent (``id``), printable."""
    from drgstim.api.crud import load_for
    from drgstim.clinic.patient_guide import ConsentProcedure, consent_document
    from drgstim.errors import InputError
    from drgstim.storage import get
    from drgstim.storage.models import Consent, Patient

    roles = TOOL_ROLES["consent"]
    if user is None:
        return _login_redirect(request)
    refusal = _refusal(user, patient_id, roles)
    if refusal is not None:
        return _render(request, "error.html", user, status_code=refusal[0], message=refusal[1])
    patient = get(db, Patient, patient_id)
    consent, recorded_by = None, ""
    try:
        if id is not None:
            consent = load_for(db, user, Consent, id, roles=roles, patient_allowed=True)
            if consent.patient_id != patient_id:
                raise HTTPException(status.HTTP_404_NOT_FOUND, detail="There is no such consent.")
            document = consent.document
            signer = db.get(User, consent.recorded_by_id) if consent.recorded_by_id else None
            recorded_by = (signer.full_name or signer.username) if signer else "the clinic"
        else:
            document = consent_document(procedure)
    except InputError as exc:
        return _render(request, "error.html", user, status_code=404, message=str(exc))
    return _render(
        request,
        "consent.html",
        user,
        patient_id=str(patient_id),
        patient_name=f"{patient.given_name} {patient.family_name}",
        document=document,
        consent=consent,
        recorded_by=recorded_by,
        procedures=[(p.value, consent_document(p)["title"]) for p in ConsentProcedure],
    )


# --- vendored assets ------------------------------------------------------------------


def plotly_js_path() -> Path:
    """plotly.min.js as shipped inside the installed ``plotly`` package (no CDN)."""
    spec = find_spec("plotly")
    if spec is None or spec.origin is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="plotly is not installed")
    return Path(spec.origin).parent / "package_data" / "plotly.min.js"


@router.get("/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    return FileResponse(
        plotly_js_path(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
