"""What bumps the cached pages (core/pagecache.py) when co-construction changes: the commune
page shows its committee's panel (next meetings, working groups), so any change of the
committee, its members, meetings or working groups bumps the commune's scope. A decision
also shows on the item pages' activity. Co-construction's own pages are not cached (they
show forms and differ by viewer)."""

from core import pagecache


def committee_scopes(committee):
    return pagecache.commune_scopes(committee.commune) if committee is not None else []


def meeting_scopes(meeting):
    if meeting.committee_id:
        return committee_scopes(meeting.committee)
    return workgroup_scopes(meeting.working_group)


def workgroup_scopes(group):
    if group is None or group.committee_id is None:
        return []
    return committee_scopes(group.committee)


def register():
    from .models import Committee, CommitteeMember, CommitteeOrganization, Decision, Meeting, WorkingGroup

    pagecache.register_model(Committee, committee_scopes)
    pagecache.register_model(CommitteeOrganization, lambda row: committee_scopes(row.committee))
    pagecache.register_model(CommitteeMember, lambda row: committee_scopes(row.committee))
    pagecache.register_model(Meeting, meeting_scopes)
    pagecache.register_model(WorkingGroup, workgroup_scopes)
    pagecache.register_model(
        Decision, lambda decision: [*pagecache.commune_scopes(decision.commune), pagecache.ACTIVITY]
    )
