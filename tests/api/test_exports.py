"""FHIR export of a patient recorded through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api_support import Team, sign_consent
from fastapi.testclient import TestClient

from drgstim.storage.models import Role

TODAY = datetime.now(UTC).date()


def _record_pathway(client: TestClient, team: Team) -> None:
    clinician = team.headers(Role.CLINICIAN)
    base = f"/api/patients/{team.own_patient.id}"
    for procedure in ("trial", "implant"):
        sign_consent(client, team, team.own_patient.id, procedure)
    posts = [
        (
            f"{base}/assessments",
            {
                "assessed_on": (TODAY - timedelta(days=40)).isoformat(),
                "pain_map": [{"region": "foot_top", "side": "left", "intensity": 8}],
                "scores": {"nrs_average": 7, "phq9": 6},
            },
        ),
        (
            f"{base}/implants",
            {
                "procedure": "implant",
                "performed_on": (TODAY - timedelta(days=31)).isoformat(),
                "levels": [{"level": "L5", "side": "left"}],
            },
        ),
        (
            f"{base}/follow-ups",
            {"visit_on": TODAY.isoformat(), "month": 1, "scores": {"nrs_average": 3}},
        ),
        (
            f"{base}/complications",
            {
                "occurred_on": TODAY.isoformat(),
                "kind": "lead_migration",
                "severity": "moderate",
                "management": "revision",
            },
        ),
    ]
    for url, body in posts:
        assert client.post(url, json=body, headers=clinician).status_code == 201
    trial = client.post(
        f"{base}/trials",
        json={
            "started_on": (TODAY - timedelta(days=30)).isoformat(),
            "baseline_nrs": 7,
            "leads": [{"level": "L5", "side": "left"}],
        },
        headers=clinician,
    ).json()
    for i in range(5):
        day = (TODAY - timedelta(days=30 - i)).isoformat()
        client.post(
            f"/api/trials/{trial['id']}/diary",
            json={"day": day, "nrs_average": 3},
            headers=clinician,
        )
    assert (
        client.post(f"/api/trials/{trial['id']}/reviews", json={}, headers=clinician).status_code
        == 201
    )


def test_fhir_bundle_carries_the_whole_pathway(client: TestClient, team: Team) -> None:
    _record_pathway(client, team)
    answer = client.get(
        f"/api/patients/{team.own_patient.id}/fhir", headers=team.headers(Role.NURSE)
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/fhir+json")
    bundle = answer.json()
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "transaction")
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    for kind in ("Patient", "Observation", "Procedure", "AdverseEvent"):
        assert kind in kinds, kinds
    patient = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert patient["name"][0]["family"] == "Own"
    pain = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and any(c.get("code") == "72514-3" for c in e["resource"]["code"].get("coding", []))
    ]
    assert pain, "no pain-score Observation with LOINC 72514-3"


def test_fhir_export_is_staff_only(client: TestClient, team: Team) -> None:
    url = f"/api/patients/{team.own_patient.id}/fhir"
    assert client.get(url, headers=team.headers(Role.PATIENT)).status_code == 403


def test_trial_report_downloads_as_html_and_pdf(client: TestClient, team: Team) -> None:
    import io

    from pypdf import PdfReader

    _record_pathway(client, team)
    clinician = team.headers(Role.CLINICIAN)
    trials = client.get(f"/api/patients/{team.own_patient.id}/trials", headers=clinician).json()
    url = f"/api/trials/{trials['items'][0]['id']}/report"
    html = client.get(url, headers=clinician)
    assert html.status_code == 200, html.text
    assert html.headers["content-type"].startswith("text/html")
    assert "<svg" in html.text  # the NRS chart
    assert "Test Own" in html.text
    pdf = client.get(url, params={"format": "pdf"}, headers=team.headers(Role.PATIENT))
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "50" in text
    assert client.get(url, params={"format": "docx"}, headers=clinician).status_code == 422


def test_follow_up_report_and_patient_scoping(client: TestClient, team: Team) -> None:
    _record_pathway(client, team)
    own = f"/api/patients/{team.own_patient.id}/report"
    answer = client.get(own, headers=team.headers(Role.PATIENT))
    assert answer.status_code == 200, answer.text
    assert "month" in answer.text.lower()
    other = f"/api/patients/{team.other_patient.id}/report"
    assert client.get(other, headers=team.headers(Role.PATIENT)).status_code == 404


def test_fhir_bundle_served_again_follows_every_change(client: TestClient, team: Team) -> None:
    """The bundle is kept between requests, but a changed diary day or patient name is in
    the next download at once (it is keyed by the record's content)."""
    _record_pathway(client, team)
    nurse = team.headers(Role.NURSE)
    url = f"/api/patients/{team.own_patient.id}/fhir"
    first, again = client.get(url, headers=nurse), client.get(url, headers=nurse)
    assert first.content == again.content

    def diary_values(bundle: dict[str, object]) -> list[float]:
        return sorted(
            e["resource"]["valueQuantity"]["value"]  # type: ignore[index]
            for e in bundle["entry"]  # type: ignore[attr-defined]
            if e["resource"].get("method", {}).get("coding", [{}])[0].get("code")
            == "nrs-average-diary"
        )

    assert diary_values(first.json()) == [3, 3, 3, 3, 3]
    clinician = team.headers(Role.CLINICIAN)
    trial = client.get(f"/api/patients/{team.own_patient.id}/trials", headers=clinician).json()
    entry = client.get(f"/api/trials/{trial['items'][0]['id']}/diary", headers=clinician).json()
    day = entry["items"][0]
    change = {"nrs_average": 5, "amendment_reason": "patient misread the scale"}
    assert client.patch(f"/api/diary/{day['id']}", json=change, headers=nurse).status_code == 200
    version = client.get(f"/api/patients/{team.own_patient.id}", headers=nurse).json()["version"]
    rename = {"family_name": "Renamed", "version": version}
    assert (
        client.patch(f"/api/patients/{team.own_patient.id}", json=rename, headers=nurse).status_code
        == 200
    )
    after = client.get(url, headers=nurse).json()
    assert diary_values(after) == [3, 3, 3, 3, 5]
    patient = next(
        e["resource"] for e in after["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert patient["name"][0]["family"] == "Renamed"
