"""What frameworks stores about a user: the versions they published online and the
drafts they created or edited (every draft whose history has a change of theirs).

All of it stays after the account goes (the foreign keys are set to null, the history
keeps the author's id and says "compte supprimé")."""

from django.db.models import Q

from core.personal_data import PersonalData, when

from .models import Framework, FrameworkDraft


def export(user):
    edited = FrameworkDraft.history.filter(history_user_id=user.pk).values("id")
    drafts = FrameworkDraft.objects.filter(Q(created_by=user) | Q(updated_by=user) | Q(pk__in=edited))
    return {
        "frameworks_published": [
            {
                "framework": framework.slug,
                "version": framework.version,
                "published_at": when(framework.published_online_at),
            }
            for framework in Framework.objects.filter(published_by=user)
        ],
        "framework_drafts": [
            {
                "framework": draft.slug,
                "title": draft.data.get("title") if isinstance(draft.data, dict) else None,
                "created_by_me": draft.created_by_id == user.pk,
                "last_edited_by_me": draft.updated_by_id == user.pk,
                "created_at": when(draft.created_at),
                "updated_at": when(draft.updated_at),
                "published_at": when(draft.published_at),
            }
            for draft in drafts.order_by("created_at")
        ],
    }


PERSONAL_DATA = PersonalData(
    app="frameworks",
    covers=(
        "frameworks.Framework.published_by",
        "frameworks.FrameworkDraft.created_by",
        "frameworks.FrameworkDraft.updated_by",
    ),
    export=export,
)
