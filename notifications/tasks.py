"""Background tasks of following: the fan-out of an event, the emails (one event at once,
a person's weekly digest). Their arguments are ids only: the emails' unsubscribe links
are made when the emails are built, so that no stored task holds one."""

from django_tasks import task

from . import delivery


@task()
def fan_out(*, event, object_id, commune_id, item_ids, group_ids, author_ids):
    return delivery.fan_out(
        event=event,
        object_id=object_id,
        commune_id=commune_id,
        item_ids=item_ids,
        group_ids=group_ids,
        author_ids=author_ids,
    )


@task()
def send_event(*, user_id, event, object_id):
    return delivery.send_event(user_id=user_id, event=event, object_id=object_id)


@task()
def send_digest(*, user_id):
    return delivery.send_digest(user_id=user_id)
