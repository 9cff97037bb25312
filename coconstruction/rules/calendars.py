"""Rules for calendars (see rules/committees.py for who takes part in a committee).

- The public feed of a commune's committee: everyone (its public meetings only).
- A private link (`/agenda/<token>…`): whoever holds it sees what the link's owner may
  see (queries/calendars.py); each signed-in person manages their own link, nobody
  else's (there is no page for another person's link)."""

import rules
from rules import is_authenticated

rules.add_perm("coconstruction.manage_calendar_link", is_authenticated)
