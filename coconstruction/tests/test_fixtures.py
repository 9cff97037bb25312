from coconstruction.rules.committees import is_committee_decider, is_committee_member


def test_the_cast(committee, coordinator, member, mayor, outsider, passerby):
    assert is_committee_decider(mayor, committee)
    assert is_committee_decider(coordinator, committee)
    assert not is_committee_decider(member, committee)
    assert is_committee_member(member, committee)
    assert not is_committee_member(outsider, committee)
    assert not is_committee_member(passerby, committee)
