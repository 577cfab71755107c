"""The hearings journey in a real browser: invite, answer, place, fix a clash, release, update."""

from __future__ import annotations

import re
import time
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, FilePayload, Locator, Page, expect

from tests.auditions.reply_samples import Answer, outlook
from tests.helpers import private_link

from .support import Stack, describe_violations, run_axe
from .test_connexion import sign_in

pytestmark = pytest.mark.browser

PARIS = ZoneInfo("Europe/Paris")


def organiser_headers(api: httpx.Client, stack: Stack) -> dict[str, str]:
    response = api.post(
        f"{stack.auditions_url}/auth/token",
        data={"username": stack.admin_email, "password": stack.admin_password},
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def busy_afternoon(draft: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A demo hearing with a sitting member, and a physical room free at the same time."""
    for hearing in draft["hearings"]:
        if not hearing["starts_at"] or not hearing["member_ids"]:
            continue
        start = datetime.fromisoformat(hearing["starts_at"])
        end = datetime.fromisoformat(hearing["ends_at"])
        for room in draft["event"]["rooms"]:
            if room["kind"] != "physical" or (room["capacity"] or 0) < 4:
                continue
            taken = any(
                other["room_id"] == room["id"]
                and other["starts_at"]
                and datetime.fromisoformat(other["starts_at"]) < end + timedelta(minutes=60)
                and start < datetime.fromisoformat(other["ends_at"]) + timedelta(minutes=15)
                for other in draft["hearings"]
            )
            if not taken and start.astimezone(PARIS).hour >= 14:
                return hearing, room
    raise AssertionError("aucun créneau de démonstration utilisable")


def calendar_of(message: EmailMessage) -> Calendar | None:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return Calendar.from_ical(part.get_content())
    return None


def assert_accessible(
    browser: Browser,
    base_url: str,
    path: str,
    ready: str,
    *,
    credentials: tuple[str, str] | None = None,
) -> None:
    """axe-core on a page, in a context of its own: injecting axe needs the CSP bypassed,
    while the journey itself runs under the real CSP."""
    context = browser.new_context(
        base_url=base_url, bypass_csp=True, locale="fr-FR", timezone_id="Europe/Paris"
    )
    try:
        page = context.new_page()
        if credentials is not None:
            sign_in(page, *credentials)
            expect(page.locator("#session-identite")).to_contain_text(credentials[0])
        page.goto(path)
        expect(page.locator(ready).first).to_be_visible()
        violations = run_axe(page)
        assert not violations, describe_violations(violations)
    finally:
        context.close()


def wait_for_sequence(stack: Stack, to: str, sequence: int) -> Any:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        calendar = calendar_of(stack.wait_for_mail(to))
        if calendar is not None:
            event = next(iter(calendar.walk("VEVENT")))
            if int(str(event["SEQUENCE"])) == sequence:
                assert str(calendar["METHOD"]) == "REQUEST"
                return event
        time.sleep(0.3)
    raise AssertionError(f"pas d'invitation de SEQUENCE {sequence} pour {to}")


def test_organiser_invites_places_releases_and_updates(
    page: Page, stack: Stack, api: httpx.Client, browser: Browser, base_url: str
) -> None:
    suffix = uuid.uuid4().hex[:6]
    actor = f"Fédération des tiers-lieux {suffix}"
    contact = f"jeanne.{suffix}@tiers-lieux.example"
    title = f"Audition des tiers-lieux {suffix}"
    headers = organiser_headers(api, stack)
    event_id = api.get(f"{stack.auditions_url}/events").json()["items"][0]["id"]
    draft = api.get(f"{stack.auditions_url}/events/{event_id}/draft", headers=headers).json()
    busy, free_room = busy_afternoon(draft)
    member = next(m for m in draft["members"] if m["id"] == busy["member_ids"][0])
    member_label = f"{member['name']} ({member['role']})"
    busy_start = datetime.fromisoformat(busy["starts_at"]).astimezone(PARIS)

    sign_in(page, stack.admin_email, stack.admin_password)
    expect(page.locator("#session-identite")).to_contain_text(stack.admin_email)
    page.goto("/auditions-console.html")
    expect(page.locator("#console")).to_be_visible()

    # The organiser adds the organisation and invites it.
    page.get_by_label("Nom de l'organisation").fill(actor)
    page.get_by_label("Personne de contact").fill("Jeanne Roux")
    page.get_by_label("Courriel du contact").fill(contact)
    page.get_by_role("button", name="Ajouter l'organisation").click()
    page.get_by_role("button", name=f"Inviter {actor}").click()
    expect(page.locator("#console-etat")).to_have_text(f"Invitation envoyée à {actor}.")
    assert_accessible(
        browser,
        base_url,
        "/auditions-console.html",
        "#console",
        credentials=(stack.admin_email, stack.admin_password),
    )

    # The actor opens the link of the e-mail and gives its availability.
    link = re.search(
        r"https?://\S+/disponibilites\.html#\S+", stack.wait_for_mail(contact).get_content()
    )
    assert link is not None
    actor_page = page.context.new_page()
    actor_page.goto(link.group(0))
    expect(actor_page.get_by_role("heading", name=re.compile(actor))).to_be_visible()
    actor_page.get_by_label("Jour", exact=True).select_option("2023-07-19")
    actor_page.get_by_label("De", exact=True).fill("10:00")
    actor_page.get_by_label("À", exact=True).fill("11:30")
    actor_page.get_by_label("Disponible", exact=True).select_option("maybe")
    actor_page.get_by_role("button", name="Ajouter ce créneau").click()
    expect(actor_page.locator("#precis-liste")).to_contain_text(
        "mercredi 19 juillet 2023, 10:00–11:30 : Si besoin"
    )
    expect(actor_page.locator("#dispo-2023-07-19-matin")).to_be_disabled()
    actor_page.get_by_label("Nombre de personnes dans votre délégation").fill("2")
    actor_page.get_by_label("Contribution écrite (facultatif)").fill(
        "Nos propositions pour les territoires."
    )
    actor_page.get_by_role("button", name="Enregistrer mes disponibilités").click()
    expect(actor_page.locator("#dispo-etat")).to_have_text(
        "Vos disponibilités sont enregistrées. Merci !"
    )
    assert_accessible(browser, base_url, link.group(0), "#dispo-formulaire")
    actor_page.close()
    answers = api.get(
        f"{stack.auditions_url}/events/{event_id}/invitations", headers=headers
    ).json()
    answer = next(
        i
        for i in answers
        if i["delegation_size"] == 2
        and i["status"] == "answered"
        and i["contribution"] == "Nos propositions pour les territoires."
    )
    exact = [
        w
        for w in answer["availability"]
        if w["answer"] == "maybe"
        and datetime.fromisoformat(w["start"]) == datetime(2023, 7, 19, 10, tzinfo=PARIS)
    ]
    assert [datetime.fromisoformat(w["end"]) for w in exact] == [
        datetime(2023, 7, 19, 11, 30, tzinfo=PARIS)
    ]

    # The organiser creates the hearing and places it where the member already sits.
    page.reload()
    expect(page.locator("#console")).to_be_visible()
    page.get_by_label("Intitulé").fill(title)
    page.get_by_label("Organisation", exact=True).select_option(label=actor)
    page.get_by_label("Membre requis").select_option(label=member_label)
    # The president or the member: at least one of the two sits.
    president = next(m for m in draft["members"] if m["role"] == "president")
    page.get_by_label(f"{president['name']} (president)", exact=True).check()
    page.get_by_label(member_label, exact=True).check()
    page.get_by_role("button", name="Créer l'audition").click()
    expect(page.locator("#non-placees")).to_contain_text(title)
    created = next(
        h
        for h in api.get(f"{stack.auditions_url}/events/{event_id}/draft", headers=headers).json()[
            "hearings"
        ]
        if h["title"] == title
    )
    assert created["requirements"] == [
        {"member_ids": [member["id"]], "min_count": 1},
        {"member_ids": sorted([president["id"], member["id"]]), "min_count": 1},
    ]

    # Choosing it shades the grid with its organisation's answers (19 July: 10:00-11:30 "si besoin").
    page.get_by_label("Audition à placer").select_option(label=title)
    page.get_by_label("Jour affiché dans la grille").select_option("2023-07-19")

    def shade(hhmm: str) -> Locator:
        return page.locator(f"#grille td[data-room='{free_room['id']}'][data-time='{hhmm}']")

    expect(shade("10:00")).to_have_class(re.compile("aud-cell--maybe"))
    expect(shade("09:00")).to_have_class(re.compile("aud-cell--no"))
    # The precise window replaced that day's half-days; other afternoons were left at "oui".
    expect(shade("14:00")).to_have_class(re.compile("aud-cell--no"))
    page.get_by_label("Jour affiché dans la grille").select_option("2023-07-18")
    expect(shade("14:00")).to_have_class(re.compile("aud-cell--yes"))

    def place(day: str, hhmm: str) -> None:
        page.get_by_label("Audition à placer").select_option(label=title)
        page.get_by_label("Jour", exact=True).select_option(value=day)
        page.get_by_label("Début").select_option(value=hhmm)
        page.get_by_label("Salle", exact=True).select_option(label=free_room["name"])
        page.get_by_label("Membre siégeant").select_option(label=member_label)
        page.get_by_role("button", name="Placer", exact=True).click()

    place(busy_start.date().isoformat(), busy_start.strftime("%H:%M"))
    warnings = page.locator("#alertes")
    expect(warnings).to_contain_text(
        f"{title} : {member['name']} siège dans deux auditions à la fois."
    )

    # Fixed: "Corriger" brings it into the form, moved to a free morning; its warning is gone.
    page.get_by_role("button", name=re.compile(f"^Corriger : .*{title}")).first.click()
    expect(page.get_by_label("Audition à placer")).to_be_focused()
    place("2023-07-18", "10:00")
    expect(page.locator("#console-etat")).to_contain_text("placée le mardi 18 juillet 2023 à 10:00")
    expect(warnings).not_to_contain_text(title)

    page.get_by_label("Nom de la version").fill(f"Version {suffix}")
    page.get_by_label("Journal des modifications (public)").fill(
        "Ajout de l'audition des tiers-lieux."
    )
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.locator("#console-etat")).to_have_text(
        "Version publiée. Relisez les messages de la boîte d'envoi."
    )
    expect(page.locator("#envois")).to_contain_text(title)
    page.get_by_role("button", name="Envoyer les messages relus").click()
    expect(page.locator("#console-etat")).to_have_text("Messages envoyés.")
    first = wait_for_sequence(stack, contact, 0)
    assert first.decoded("DTSTART") == datetime(2023, 7, 18, 10, 0, tzinfo=PARIS)

    # The public agenda shows it, and its feed carries the Paris time.
    public = page.context.new_page()
    public.goto("/auditions.html")
    expect(public.locator("#agenda")).to_contain_text(f"10:00–10:45 — {title}")
    public.get_by_label("Affichage").select_option("liste")
    expect(public.locator("#agenda")).to_contain_text(title)
    assert_accessible(browser, base_url, "/auditions.html", "#agenda h3")
    href = public.get_by_role("link", name=re.compile("S'abonner")).get_attribute("href")
    assert href is not None
    feed = Calendar.from_ical(api.get(href).content)
    entry = next(e for e in feed.walk("VEVENT") if title in str(e["SUMMARY"]))
    assert entry.decoded("DTSTART") == datetime(2023, 7, 18, 10, 0, tzinfo=PARIS)
    assert entry.decoded("DTEND") == datetime(2023, 7, 18, 10, 45, tzinfo=PARIS)
    assert str(entry["UID"]) == str(first["UID"])
    public.close()

    # Moved later: the next release sends an update with a higher SEQUENCE.
    place("2023-07-18", "15:00")
    expect(page.locator("#console-etat")).to_contain_text("à 15:00")
    page.get_by_label("Nom de la version").fill(f"Version {suffix}-2")
    page.get_by_label("Journal des modifications (public)").fill(
        "Audition des tiers-lieux déplacée à 15 h."
    )
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.locator("#console-etat")).to_have_text(
        "Version publiée. Relisez les messages de la boîte d'envoi."
    )
    page.get_by_role("button", name="Envoyer les messages relus").click()
    update = wait_for_sequence(stack, contact, 1)
    assert str(update["UID"]) == str(first["UID"])
    assert update.decoded("DTSTART") == datetime(2023, 7, 18, 15, 0, tzinfo=PARIS)


def test_drag_and_drop_places_a_hearing_and_minutes_show_as_text(
    page: Page, stack: Stack, api: httpx.Client
) -> None:
    headers = organiser_headers(api, stack)
    event_id = api.get(f"{stack.auditions_url}/events").json()["items"][0]["id"]
    title = f"Table ronde {uuid.uuid4().hex[:6]}"
    created = api.post(
        f"{stack.auditions_url}/events/{event_id}/hearings",
        headers=headers,
        json={"title": title, "duration_minutes": 30, "mode": "hybrid"},
    )
    created.raise_for_status()
    hearing_id = created.json()["hearing"]["id"]
    room = api.get(f"{stack.auditions_url}/events/{event_id}").json()["rooms"][-1]

    sign_in(page, stack.admin_email, stack.admin_password)
    expect(page.locator("#session-identite")).to_contain_text(stack.admin_email)
    page.goto("/auditions-console.html")
    # A new room and a member's afternoon off, from the console.
    page.get_by_label("Nom de la salle").fill("Salle Olympe de Gouges")
    page.get_by_label("Capacité (salle physique)").fill("30")
    page.get_by_role("button", name="Ajouter la salle").click()
    expect(page.locator("#grille thead")).to_contain_text("Salle Olympe de Gouges")
    page.get_by_label("Membre", exact=True).select_option(index=3)
    page.get_by_label("Jour d'indisponibilité").select_option("2023-07-20")
    page.get_by_label("De", exact=True).fill("14:00")
    page.get_by_label("À", exact=True).fill("16:00")
    page.get_by_role("button", name="Ajouter l'indisponibilité").click()
    expect(page.locator("#indispo-liste")).to_contain_text(
        "indisponible le jeudi 20 juillet 2023 de 14:00 à 16:00"
    )

    page.get_by_label("Jour affiché dans la grille").select_option("2023-07-19")
    chip = page.locator(f"#non-placees [data-hearing='{hearing_id}']")
    cell = page.locator(f"#grille td[data-room='{room['id']}'][data-time='10:00']")
    chip.drag_to(cell)
    expect(page.locator("#console-etat")).to_contain_text(
        f"« {title} » placée le mercredi 19 juillet 2023 à 10:00"
    )
    expect(cell).to_contain_text(title)
    placed = api.get(
        f"{stack.auditions_url}/events/{event_id}/hearings/{hearing_id}", headers=headers
    ).json()
    assert datetime.fromisoformat(placed["hearing"]["starts_at"]) == datetime(
        2023, 7, 19, 10, tzinfo=PARIS
    )

    # Minutes written in the console, published with the next release, shown as plain text.
    page.get_by_label("Audition", exact=True).select_option(label=title)
    page.get_by_label("Compte rendu (Markdown, affiché comme du texte)").fill(
        "<b>Synthèse</b> des échanges"
    )
    page.get_by_label("État", exact=True).select_option("published")
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    expect(page.locator("#console-etat")).to_have_text("Compte rendu enregistré.")
    page.get_by_label("Pièce jointe de cette audition (PDF, texte, ODT, 5 Mo)").set_input_files(
        files=FilePayload(
            name="contribution.txt", mimeType="text/plain", buffer=b"Nos propositions."
        )
    )
    page.get_by_label("Visibilité").select_option("public")
    page.get_by_role("button", name="Joindre").click()
    expect(page.locator("#pj-liste")).to_contain_text("contribution.txt (publique)")
    page.get_by_label("Nom de la version").fill(f"Version {title}")
    page.get_by_label("Journal des modifications (public)").fill("Ajout d'une table ronde.")
    page.get_by_label("Publier malgré les alertes bloquantes").check()
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.locator("#versions")).to_contain_text(f"Version {title} — Ajout d'une table ronde.")
    expect(page.locator("#difference")).to_contain_text(f"Ajoutée : {title}")

    page.goto("/auditions.html")
    page.locator("#agenda details summary").first.wait_for()
    entry = page.locator("#agenda li", has_text=title)
    entry.get_by_text("Compte rendu").click()
    expect(entry).to_contain_text("<b>Synthèse</b> des échanges")
    assert entry.locator("b").count() == 0
    link = page.locator("#contributions a", has_text="contribution.txt")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href is not None
    assert api.get(href).content == b"Nos propositions."


def test_availability_page_without_a_valid_link(page: Page) -> None:
    page.goto("/disponibilites.html")
    expect(page.get_by_role("alert")).to_contain_text(
        "Ce lien est incomplet : ouvrez en entier l'adresse reçue par courriel"
    )
    page.goto("/disponibilites.html#un-jeton-qui-n-existe-pas")
    page.reload()
    expect(page.get_by_role("alert")).to_contain_text(
        "Ce lien personnel est inconnu ou n'est plus valable."
    )
    expect(page.locator("#dispo-formulaire")).to_be_hidden()


def test_console_asks_to_sign_in(page: Page) -> None:
    page.goto("/auditions-console.html")
    expect(page.get_by_role("alert")).to_contain_text("Connectez-vous")
    expect(page.locator("#console")).to_be_hidden()


def _cancel_a_day(api: httpx.Client, stack: Stack, headers: dict[str, str], event_id: int) -> Any:
    """An organisation heard alone takes back, through its link, the day it is scheduled on."""
    base = stack.auditions_url
    draft = api.get(f"{base}/events/{event_id}/draft", headers=headers).json()
    actors = {
        a["id"]: a for a in api.get(f"{base}/events/{event_id}/actors", headers=headers).json()
    }
    live = [h for h in draft["hearings"] if not h["cancelled"]]
    hearing = next(
        h
        for h in live
        if h["starts_at"]
        and len(h["actor_ids"]) == 1
        and len(actors[h["actor_ids"][0]]["contacts"]) == 1
        and actors[h["actor_ids"][0]]["invitation_status"] == "answered"
        and sum(h["actor_ids"][0] in g["actor_ids"] for g in live) == 1
    )
    actor = actors[hearing["actor_ids"][0]]
    email = actor["contacts"][0]["email"]
    api.post(
        f"{base}/events/{event_id}/invitations", headers=headers, json={"actor_id": actor["id"]}
    ).raise_for_status()
    # The outbox may still be sending the publication's messages, 50 a round: give it time.
    deadline = time.monotonic() + 60
    while True:
        body = stack.wait_for_mail(email).get_body(preferencelist=("plain",))
        found = re.search(r"disponibilites\.html#(\S+)", body.get_content() if body else "")
        token = found.group(1) if found else ""
        # No link in the message yet: nothing to present (an empty header is not even sent).
        form = api.post(f"{base}/availability/open", headers=private_link(token)) if token else None
        if form is not None and form.status_code == 200:
            break
        assert time.monotonic() < deadline, "pas de nouveau lien"
        time.sleep(0.3)
    day = datetime.fromisoformat(hearing["starts_at"]).astimezone(PARIS).date()
    answer = form.json()
    kept = [
        w
        for w in answer["availability"]
        if datetime.fromisoformat(w["start"]).astimezone(PARIS).date() != day
    ]
    api.post(
        f"{base}/availability/answer",
        headers=private_link(token),
        json={
            "delegation_size": answer["delegation_size"],
            "mode": answer["mode"],
            "availability": kept,
        },
    ).raise_for_status()
    return hearing


def _solve_in_the_console(page: Page, kind: str) -> None:
    page.get_by_label("Type de calcul").select_option(kind)
    page.get_by_label("Durée maximale (secondes, 1 à 300)").fill("5")
    page.get_by_role("button", name="Lancer le calcul").click()
    expect(page.locator("#calcul-etat")).to_contain_text("Calcul terminé", timeout=30_000)


def test_one_click_plan_then_repair_after_an_actor_cancels_a_day(
    page: Page, stack: Stack, api: httpx.Client, browser: Browser, base_url: str
) -> None:
    headers = organiser_headers(api, stack)
    event_id = api.get(f"{stack.auditions_url}/events").json()["items"][0]["id"]
    sign_in(page, stack.admin_email, stack.admin_password)
    expect(page.locator("#session-identite")).to_contain_text(stack.admin_email)
    page.goto("/auditions-console.html")
    expect(page.locator("#console")).to_be_visible()

    # One click: a plan with no hard warning, shown against the current draft.
    _solve_in_the_console(page, "plan")
    summary = page.locator("#calcul-resume")
    expect(summary).to_contain_text("0 laissée(s) de côté")
    expect(summary).to_contain_text("0 alerte(s) bloquante(s)")
    comparison = page.get_by_role("table", name=re.compile("Plan proposé comparé"))
    expect(comparison.get_by_role("columnheader", name="Planning en cours")).to_be_visible()
    assert_accessible(
        browser,
        base_url,
        "/auditions-console.html",
        "#calcul-comparaison",
        credentials=(stack.admin_email, stack.admin_password),
    )
    page.get_by_role("button", name="Appliquer tout le plan").click()
    expect(page.locator("#calcul-etat")).to_contain_text("0 alerte(s) bloquante(s)")
    # Soft warnings ("if need be" windows) may remain; no blocking one.
    expect(page.locator("#alertes-etat")).to_be_visible()
    expect(page.locator("#alertes")).not_to_contain_text("Bloquante")
    page.get_by_label("Nom de la version").fill("Version calculée")
    page.get_by_label("Journal des modifications (public)").fill("Planning calculé.")
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.locator("#console-etat")).to_have_text(
        "Version publiée. Relisez les messages de la boîte d'envoi."
    )
    page.get_by_role("button", name="Envoyer les messages relus").click()
    expect(page.locator("#console-etat")).to_have_text("Messages envoyés.")

    # An organisation cancels its day; the repair moves its hearing and no other.
    hearing = _cancel_a_day(api, stack, headers, event_id)
    page.reload()
    expect(page.locator("#console")).to_be_visible()
    _solve_in_the_console(page, "repair")
    expect(page.locator("#calcul-resume")).to_contain_text("1 différente(s) du planning en cours")
    moved = page.locator("#calcul-comparaison tbody tr", has_text="Déplacée")
    expect(moved).to_have_count(1)
    expect(moved).to_contain_text(hearing["title"])
    page.get_by_role("button", name="Appliquer tout le plan").click()
    expect(page.locator("#calcul-etat")).to_contain_text("0 alerte(s) bloquante(s)")
    page.get_by_label("Nom de la version").fill("Version réparée")
    page.get_by_label("Journal des modifications (public)").fill("Une audition déplacée.")
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.locator("#console-etat")).to_have_text(
        "Version publiée. Relisez les messages de la boîte d'envoi."
    )
    outbox = api.get(f"{stack.auditions_url}/events/{event_id}/outbox", headers=headers).json()
    held = [m["subject"] for m in outbox if m["status"] == "held"]
    assert held
    assert all(hearing["title"] in subject for subject in held)


def test_organiser_names_the_reply_mailbox_and_imports_a_calendar_answer(
    page: Page, stack: Stack, api: httpx.Client, browser: Browser, base_url: str
) -> None:
    """The address set in the console is the invitation's ORGANIZER; the answer a calendar
    client sends there, imported in the console, shows in the table (and a bad file says why)."""
    suffix = uuid.uuid4().hex[:6]
    base = stack.auditions_url
    headers = organiser_headers(api, stack)
    event_id = api.get(f"{base}/events").json()["items"][0]["id"]
    secretariat = f"secretariat.{suffix}@commission.example"
    email = f"camille.{suffix}@commission.example"
    title = f"Audition des réponses {suffix}"

    sign_in(page, stack.admin_email, stack.admin_password)
    expect(page.locator("#session-identite")).to_contain_text(stack.admin_email)
    page.goto("/auditions-console.html")
    expect(page.locator("#console")).to_be_visible()
    page.get_by_label("Adresse qui reçoit les réponses (organisateur)").fill(secretariat)
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(page.locator("#console-etat")).to_contain_text("Adresse de l'organisateur enregistrée")
    assert api.get(f"{base}/events/{event_id}").json()["organizer_email"] == secretariat

    # A new member sits in a new hearing; the release invites them.
    member = api.post(
        f"{base}/events/{event_id}/members",
        headers=headers,
        json={"name": f"Camille Bernard {suffix}", "email": email, "role": "member"},
    ).json()
    hearing = api.post(
        f"{base}/events/{event_id}/hearings",
        headers=headers,
        json={"title": title, "duration_minutes": 45},
    ).json()["hearing"]
    room = api.get(f"{base}/events/{event_id}").json()["rooms"][-1]
    api.put(
        f"{base}/events/{event_id}/hearings/{hearing['id']}/placement",
        headers={**headers, "If-Match": f'"{hearing["version"]}"'},
        json={
            "room_id": room["id"],
            "starts_at": datetime(2023, 7, 20, 18, tzinfo=PARIS).isoformat(),
            "member_ids": [member["id"]],
        },
    ).raise_for_status()
    api.post(
        f"{base}/events/{event_id}/releases",
        headers=headers,
        json={"name": f"Réponses {suffix}", "changelog": "Test.", "override_hard_warnings": True},
    ).raise_for_status()
    held = [m["id"] for m in api.get(f"{base}/events/{event_id}/outbox", headers=headers).json()]
    api.post(f"{base}/events/{event_id}/outbox/release", headers=headers, json={"ids": held[:1000]})
    invitation = calendar_of(stack.wait_for_mail(email))
    assert invitation is not None
    [sent] = invitation.walk("VEVENT")
    assert str(sent["ORGANIZER"]) == f"mailto:{secretariat}"

    # Camille's Outlook declines; the secretariat imports the answer it received.
    reply = outlook(
        Answer(str(sent["UID"]), email, "Camille Bernard", "DECLINED", int(str(sent["SEQUENCE"])))
    )
    page.reload()
    expect(page.locator("#console")).to_be_visible()
    upload = page.get_by_label("Réponse reçue (fichier .ics ou message .eml)")
    upload.set_input_files(
        files=FilePayload(name="Refusé.ics", mimeType="text/calendar", buffer=reply)
    )
    page.get_by_role("button", name="Importer la réponse").click()
    expect(page.locator("#console-etat")).to_have_text(f"Réponse importée : {email} : Décline.")
    row = page.locator("#reponses tr", has_text=email)
    expect(row).to_contain_text(title)
    expect(row).to_contain_text("Décline")
    expect(row).to_contain_text("service juridique")

    # Our own invitation is no answer: the console says what is wrong, the table stays.
    own = FilePayload(name="invitation.ics", mimeType="text/calendar", buffer=invitation.to_ical())
    upload.set_input_files(files=own)
    page.get_by_role("button", name="Importer la réponse").click()
    expect(page.locator("#console-erreur")).to_contain_text("METHOD:REPLY attendu")
    expect(row).to_contain_text("Décline")

    # At 390 px the section fits the screen; the table scrolls in its own box.
    page.set_viewport_size({"width": 390, "height": 844})
    section = page.locator("section", has=page.locator("#reponses-titre"))
    box = section.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    # What is wider (the table) scrolls inside its own box, never the section.
    assert section.evaluate("s => s.scrollWidth <= s.clientWidth")
    assert_accessible(
        browser,
        base_url,
        "/auditions-console.html",
        "#reponses tr",
        credentials=(stack.admin_email, stack.admin_password),
    )


def test_the_console_is_organised_by_task_with_a_searchable_list_of_organisations(
    page: Page, stack: Stack, api: httpx.Client
) -> None:
    """Issue 21, item 11: the board first, then organisations, releases, minutes; the long
    organisations table filtered by a word or by the state of the invitation."""
    headers = organiser_headers(api, stack)
    event_id = api.get(f"{stack.auditions_url}/events").json()["items"][0]["id"]
    actors = api.get(f"{stack.auditions_url}/events/{event_id}/draft", headers=headers).json()[
        "actors"
    ]
    sign_in(page, stack.admin_email, stack.admin_password)
    expect(page.locator("#session-identite")).to_contain_text(stack.admin_email)
    page.goto("/auditions-console.html")
    expect(page.locator("#console")).to_be_visible()

    tasks = page.get_by_role("navigation", name="Tâches de la console").get_by_role("link")
    expect(tasks).to_have_text(
        ["Planning", "Organisations et disponibilités", "Publication et envois", "Comptes rendus"]
    )
    panels = page.locator("#console .aud-task > section > h2").all_text_contents()
    assert panels.index("Planning en cours") < panels.index("Organisations auditionnées")
    assert panels.index("Organisations auditionnées") < panels.index("Publier une version")
    assert panels[-1] == "Comptes rendus"
    tasks.get_by_text("Organisations et disponibilités").click()
    expect(page.locator("#tache-organisations")).to_be_in_viewport()

    rows = page.locator("#organisations tr")
    expect(rows).to_have_count(len(actors))
    target = actors[-1]
    word = target["name"].split()[-1]
    page.get_by_label("Rechercher (organisation, contact)").fill(word.lower())
    expected = [a for a in actors if word.lower() in a["name"].lower()]
    expect(rows.locator("visible=true")).to_have_count(len(expected))
    expect(page.locator("#organisations-compte")).to_have_text(
        re.compile(rf"^{len(expected)} organisations? affichées? sur {len(actors)}\.$")
    )
    page.get_by_label("Rechercher (organisation, contact)").fill("")
    page.get_by_label("Invitation", exact=True).select_option("none")
    uninvited = [a for a in actors if not a["invitation_status"]]
    expect(rows.locator("visible=true")).to_have_count(len(uninvited))
    for row in rows.locator("visible=true").all():
        expect(row).to_contain_text("Non invitée")
        expect(row.get_by_role("button")).to_have_text("Inviter")
