"""The frame counts each local authority once, in one stratum: the overseas collectivities
with their own status are out of scope (with their communes), an authority the reference
lists twice is counted as one, and no territory without population sits in a commune band."""

from __future__ import annotations

from collections import Counter

from services.common.territories.search import get_index
from services.survey.campaigns import target_population
from services.survey.observatory.frame import class_of
from services.survey.scope import outside_frame


def test_each_authority_of_the_frame_is_counted_once_in_one_stratum() -> None:
    frame = list(target_population(None))
    kinds = Counter(t.kind for t in frame)
    # 13 metropolitan régions + Guadeloupe, La Réunion, Martinique and Guyane (the last two
    # collectivités uniques, counted as régions); Mayotte as a département.
    assert kinds["region"] == 17
    # 101 départements, less Martinique and Guyane (régions), Corse-du-Sud and Haute-Corse
    # (the Collectivité de Corse), Paris (a commune) and Haut-Rhin (the Collectivité
    # européenne d'Alsace, invited as 67).
    assert kinds["departement"] == 95
    codes = {(t.kind, t.code) for t in frame}
    for kept, dropped in [
        (("region", "02"), ("departement", "972")),
        (("region", "03"), ("departement", "973")),
        (("departement", "976"), ("region", "06")),
        (("region", "94"), ("departement", "2A")),
        (("commune", "217500016"), ("departement", "75")),
        (("departement", "67"), ("departement", "68")),
    ]:
        assert kept in codes
        assert dropped not in codes
    outside = {item["code"] for item in outside_frame()["outside"]}
    assert {"975", "977", "978", "984", "986", "987", "988", "989"} == outside
    assert not [t for t in frame if t.region in outside or t.code in outside]
    assert all(t.population is not None for t in frame)
    # What the reference holds and the frame leaves out: TAAF and Clipperton had no population
    # and sat in the communes' band under 500.
    reference = get_index().territories
    left = [t for t in reference if t.region in outside and t.kind == "commune"]
    assert any(t.population is None for t in left)
    small = Counter(
        class_of(t) for t in frame if t.kind == "commune" and class_of(t).band == "0-499"
    )
    assert not [cls for cls in small if cls.region in outside]
