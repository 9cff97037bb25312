"""What actors tells the apps above it (which it never imports): they connect a receiver
from their AppConfig.ready().

- `municipal_contact_verified`: a municipal contact is verified (`contact=`), by the
  town hall's link or by a partner coordinator (`reviewer=`, None for the town hall's
  link). Sent once the transaction commits.
"""

from django.dispatch import Signal

municipal_contact_verified = Signal()
