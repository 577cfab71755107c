"""Atom feeds of the catalogue and of one fiche, and the conditional GETs of the fiche and the list.

The feeds are read with a real XML parser (defusedxml, as a feed reader would parse a document
from elsewhere) and checked against what RFC 4287 requires of a feed and of each entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]
from httpx2 import Response

from tests.catalogue.conftest import Act, FicheFactory
from tests.catalogue.support import Catalogue
from tests.helpers import assert_problem

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = "/feeds/use-cases.atom"


def _text(element: Element, name: str) -> str:
    found = element.find(ATOM + name)
    assert found is not None, f"<{name}> manquant"
    assert found.text, f"<{name}> vide"
    assert found.text.strip(), f"<{name}> vide"
    return found.text.strip()


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, "date RFC 3339 sans fuseau"
    return moment


def _links(element: Element) -> dict[str, str]:
    return {
        link.get("rel", "alternate"): link.get("href", "")
        for link in element.findall(ATOM + "link")
    }


def parse_feed(
    response: Response, *, canonical: bool = True
) -> tuple[Element, list[dict[str, Any]]]:
    """The feed and its entries, after checking every element RFC 4287 requires; its `self`
    link is the address asked for when that was the `canonical` one."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = fromstring(response.content)
    assert feed.tag == ATOM + "feed"
    _text(feed, "id")
    _text(feed, "title")
    _moment(_text(feed, "updated"))
    if canonical:
        assert _links(feed)["self"] == str(response.request.url)
    # A feed names an author unless every entry does (an empty one too).
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    entries = []
    for entry in feed.findall(ATOM + "entry"):
        links = _links(entry)
        author = entry.find(f"{ATOM}author/{ATOM}name")
        assert author is not None
        assert author.text
        assert entry.find(f"{ATOM}author/{ATOM}email") is None
        entries.append(
            {
                "id": _text(entry, "id"),
                "title": _text(entry, "title"),
                "updated": _moment(_text(entry, "updated")),
                "link": links["alternate"],
                "summary": _text(entry, "summary"),
                "author": author.text,
            }
        )
    ids = [entry["id"] for entry in entries]
    assert len(ids) == len(set(ids)), "identifiants d'entrée en double"
    return feed, entries


def test_catalogue_feed_follows_publications_updates_and_withdrawals(
    catalogue: Catalogue, fiche: FicheFactory, act: Act
) -> None:
    client = catalogue.client
    first = fiche(title="Tri des courriers entrants", local_authority_code="243500139")
    second = fiche(title="Détection des dépôts sauvages")
    fiche(published=False, title="Brouillon jamais publié")

    _feed, entries = parse_feed(client.get(FEED))
    assert [entry["title"] for entry in entries] == [second.title, first.title]
    top = entries[1]
    assert top["id"] == top["link"]
    assert top["link"].endswith(f"/fiche.html?id={first.id}")
    assert top["author"] == "Rennes Métropole"
    assert top["summary"] == first.summary

    # A pending update stays private; once published, the fiche comes first with its new title.
    act(first.id, "update", title="Tri automatique des courriers entrants")
    body = client.get(FEED).text
    assert "Tri automatique" not in body
    act(first.id, "publish")
    _feed, entries = parse_feed(client.get(FEED))
    assert [entry["title"] for entry in entries] == [
        "Tri automatique des courriers entrants",
        second.title,
    ]
    # The same id as before the update: readers see an update, not a new fiche.
    assert entries[0]["id"] == top["id"]
    assert entries[0]["updated"] > top["updated"]

    act(second.id, "retract")
    act(first.id, "archive")
    _feed, entries = parse_feed(client.get(FEED))
    assert entries == []
    body = client.get(FEED).text
    # Neither the contributor's address nor the unpublished fiche, even before withdrawal.
    assert "agent@example.fr" not in body
    assert "Brouillon" not in body


def test_feeds_of_a_domain_an_authority_and_a_saved_search(
    catalogue: Catalogue, fiche: FicheFactory
) -> None:
    client = catalogue.client
    roads = fiche(title="Détection des nids-de-poule", domain="voirie_mobilite")
    waste = fiche(
        title="Collecte des déchets optimisée",
        domain="dechets_proprete",
        local_authority_code="243500139",
    )
    fiche(title="Collecte des encombrants", domain="dechets_proprete")

    feed, entries = parse_feed(client.get(FEED, params={"domain": "voirie_mobilite"}))
    assert [entry["title"] for entry in entries] == [roads.title]
    assert "Voirie" in _text(feed, "title")
    assert "catalogue.html?domain=voirie_mobilite" in _links(feed)["alternate"]

    feed, entries = parse_feed(client.get(FEED, params={"local_authority_code": "243500139"}))
    assert [entry["title"] for entry in entries] == [waste.title]
    assert "Rennes Métropole" in _text(feed, "title")

    # A saved search: the same words and filters as GET /use-cases, the same fiches.
    search = {"q": "collecte", "domain": "dechets_proprete"}
    listed = client.get("/use-cases", params=search).json()
    feed, entries = parse_feed(client.get(FEED, params=search))
    assert sorted(entry["title"] for entry in entries) == sorted(
        item["title"] for item in listed["items"]
    )
    assert len(entries) == 2
    assert "« collecte »" in _text(feed, "title")

    assert_problem(client.get(FEED, params={"domain": "inconnu"}), 422)
    assert_problem(client.get(FEED, params={"domaine": "voirie_mobilite"}), 422)


def test_feeds_answer_conditional_gets(catalogue: Catalogue, fiche: FicheFactory) -> None:
    client = catalogue.client
    first = fiche()
    for path in (FEED, f"/use-cases/{first.id}/history.atom"):
        response = client.get(path)
        tag = response.headers["ETag"]
        again = client.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["ETag"] == tag
        assert client.get(path, headers={"If-None-Match": '"autre"'}).status_code == 200
    tag = client.get(FEED).headers["ETag"]
    fiche(title="Une nouvelle fiche")
    changed = client.get(FEED, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag


def test_history_feed_lists_the_public_changes_of_one_fiche(
    catalogue: Catalogue, fiche: FicheFactory, act: Act
) -> None:
    client = catalogue.client
    use_case = fiche(title="Tri des courriers entrants")
    path = f"/use-cases/{use_case.id}/history.atom"
    _feed, entries = parse_feed(client.get(path))
    assert [entry["title"] for entry in entries] == ["Publication : Tri des courriers entrants"]
    published_id = entries[0]["id"]

    act(use_case.id, "update", summary="Un résumé privé tant qu'il n'est pas publié.")
    assert len(parse_feed(client.get(path))[1]) == 1
    act(use_case.id, "publish")
    act(use_case.id, "archive")
    feed, entries = parse_feed(client.get(path))
    assert [entry["title"].split(" : ")[0] for entry in entries] == [
        "Archivée",
        "Mise à jour",
        "Publication",
    ]
    assert entries[1]["summary"] == "Champs modifiés : Résumé en langage clair."
    # Each version keeps its id, and every entry points to the fiche's page.
    assert entries[2]["id"] == published_id
    assert {entry["link"] for entry in entries} == {_links(feed)["alternate"]}
    assert "agent@example.fr" not in client.get(path).text

    # The slug opens the same history, under the number's address; a retracted or
    # unpublished fiche has none.
    by_slug, same = parse_feed(
        client.get(f"/use-cases/{use_case.slug}/history.atom"), canonical=False
    )
    assert same == entries
    assert _links(by_slug)["self"] == _links(feed)["self"]
    retracted = fiche(title="Retirée")
    act(retracted.id, "retract")
    assert_problem(client.get(f"/use-cases/{retracted.id}/history.atom"), 404)
    draft = fiche(published=False, title="Brouillon")
    assert_problem(client.get(f"/use-cases/{draft.id}/history.atom"), 404)


def test_fiche_and_list_answer_conditional_gets(
    catalogue: Catalogue, fiche: FicheFactory, act: Act
) -> None:
    client = catalogue.client
    use_case = fiche()
    path = f"/use-cases/{use_case.id}"
    tag = client.get(path).headers["ETag"]
    for header in (tag, f"W/{tag}", f'"0", {tag}', "*"):
        unchanged = client.get(path, headers={"If-None-Match": header})
        assert unchanged.status_code == 304, header
        assert unchanged.content == b""
    listed = client.get("/use-cases", params={"domain": "voirie_mobilite"})
    list_tag = listed.headers["ETag"]
    assert (
        client.get(
            "/use-cases", params={"domain": "voirie_mobilite"}, headers={"If-None-Match": list_tag}
        ).status_code
        == 304
    )

    act(use_case.id, "update", title="Un nouveau titre proposé")
    act(use_case.id, "publish")
    assert client.get(path, headers={"If-None-Match": tag}).status_code == 200
    again = client.get(
        "/use-cases", params={"domain": "voirie_mobilite"}, headers={"If-None-Match": list_tag}
    )
    assert again.status_code == 200
    assert again.json()["items"][0]["title"] == "Un nouveau titre proposé"
